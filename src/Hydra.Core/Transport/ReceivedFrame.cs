namespace Hydra.Transport;

/// <summary>
/// A message as a router transport received it, after the routing identity: the body (the
/// last frame), lent to the rules for one call, and how it was framed. Passing it to
/// <see cref="IRouterTransport.Forward"/> hands the same bytes on without a copy; otherwise
/// the transport releases it when the call returns.
/// </summary>
internal readonly ref struct ReceivedFrame
{
    public ReceivedFrame(ReadOnlySpan<byte> body, int parts, bool firstPartEmpty, ReadOnlySpan<byte> peerKey = default, long receivedAt = 0)
    {
        Body = body;
        Parts = parts;
        FirstPartEmpty = firstPartEmpty;
        PeerKey = peerKey;
        ReceivedAt = receivedAt;
    }

    /// <summary>The last frame: the JSON, when the framing is right.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Frames after the identity (docs/protocol.md, "Framing").</summary>
    public int Parts { get; }

    /// <summary>Whether the first of them was empty (a delimiter).</summary>
    public bool FirstPartEmpty { get; }

    /// <summary>
    /// The public key (Z85 text) the connection proved in its handshake, with
    /// <see cref="TransportCapabilities.HandshakeAuthentication"/>; empty otherwise.
    /// </summary>
    public ReadOnlySpan<byte> PeerKey { get; }

    /// <summary>
    /// When the transport took the batch this frame came in (<see cref="RouterOptions.TimeProvider"/>'s
    /// timestamp), so the rules need not read the clock for every message; 0 when the transport does not say.
    /// </summary>
    public long ReceivedAt { get; }
}
