using Hydra.Protocol;
using Hydra.Transport;

namespace Hydra.Routing.Internal;

/// <summary>
/// Who sent the message being handled and what it says, gathered once by the admission
/// checks and handed to every rule after them. Lives on the stack for one message.
/// </summary>
internal ref struct Sender(PortKind port, ReadOnlySpan<byte> identity, ReadOnlySpan<byte> body, Envelope envelope)
{
    public readonly PortKind Port = port;
    /// <summary>The connection's routing identity.</summary>
    public readonly ReadOnlySpan<byte> Identity = identity;
    /// <summary>The frame's JSON.</summary>
    public readonly ReadOnlySpan<byte> Body = body;
    /// <summary>How the peer framed it; replies go back the same way.</summary>
    public readonly Envelope Envelope = envelope;
    /// <summary>The fields read from <see cref="Body"/> (as far as it could be read).</summary>
    public FrameHeader Header;
    /// <summary>Its row in the client table; null until admitted (or while its key is unproven).</summary>
    public ClientEntry? Entry;

    /// <summary>The request's id, echoed as <c>reply_to</c> by every answer, refusals included.</summary>
    public readonly ReadOnlySpan<byte> ReplyTo => Header.Id.Bytes(Body);
}
