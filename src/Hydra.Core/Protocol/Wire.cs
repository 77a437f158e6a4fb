using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hydra.Protocol;

/// <summary>
/// The envelope every frame shares (docs/protocol.md): its keys as UTF-8 bytes, for code that reads
/// frames in place, and how frames are written. Each method's names and payload keys are in a type
/// of their own (<see cref="PingMethod"/>, <see cref="HeartbeatMethod"/>, <see cref="ClientsMethod"/>,
/// <see cref="AuthMethod"/>, <see cref="ErrorMethod"/>); <see cref="HydraMethods"/> is their public face.
/// </summary>
internal static class Wire
{
    public static ReadOnlySpan<byte> SenderKey => "sender"u8;
    public static ReadOnlySpan<byte> TargetKey => "target"u8;
    public static ReadOnlySpan<byte> MethodKey => "method"u8;
    public static ReadOnlySpan<byte> PayloadKey => "payload"u8;
    public static ReadOnlySpan<byte> ProtocolVersionKey => "protocol_version"u8;
    /// <summary>What Python releases before 0.15 wrote instead of <c>protocol_version</c>.</summary>
    public static ReadOnlySpan<byte> LegacyVersionKey => "version"u8;
    public static ReadOnlySpan<byte> IdKey => "id"u8;
    public static ReadOnlySpan<byte> ReplyToKey => "reply_to"u8;

    /// <summary>
    /// How every frame is written: escaped only where JSON requires it, so an apostrophe, an accent or
    /// a '&lt;' reads as itself (as in docs/protocol.md and the JSON logs), where the default encoder
    /// writes <c>\u0027</c>. Still plain JSON for any parser; frames are never embedded in HTML.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The only protocol version there is.</summary>
    public const int ProtocolVersion = 1;

    public static ReadOnlySpan<byte> Router => "HydraRouter"u8;
}
