namespace Hydra.Transport;

/// <summary>What a peer (<see cref="HydraMQ"/>) is told by its transport. Called on the loop thread only.</summary>
internal interface IPeerRules
{
    /// <summary>A message arrived from the router on <paramref name="port"/>; <paramref name="body"/> is the last frame, lent for this call.</summary>
    void OnFrame(PortKind port, ReadOnlySpan<byte> body);

    /// <summary>The connection on <paramref name="port"/> changed, as far as the transport can tell.</summary>
    void OnLinkChanged(PortKind port, LinkEvent change);
}

/// <summary>What a transport can tell about a peer's TCP connection to the router.</summary>
internal enum LinkEvent
{
    /// <summary>TCP connected (the ZeroMQ handshake may still fail, e.g. with the wrong CURVE key).</summary>
    Connected,
    /// <summary>The connection closed: the router went away, or refused the handshake.</summary>
    Disconnected,
    /// <summary>A connection attempt failed (nothing listens there); ZeroMQ tries again.</summary>
    Retrying,
    /// <summary>
    /// The router's authentication refused this peer's CURVE key in the handshake (its key is not
    /// on the router's list). Only transports that can tell say so (libzmq); NetMQ reports a
    /// <see cref="Disconnected"/> only.
    /// </summary>
    Refused,
}

/// <summary>A peer's two connections (DEALER sockets sharing one identity) to a router, and the thread that serves them.</summary>
internal interface IPeerTransport : IAsyncDisposable
{
    string Name { get; }

    ITransportLoop Loop { get; }

    /// <summary>Starts connecting both sockets (ZeroMQ connects in the background) and starts the loop.</summary>
    /// <exception cref="HydraException">Code <see cref="HydraErrorCode.Network"/>: the address cannot be used (e.g. an unknown host).</exception>
    void Start(IPeerRules rules);

    /// <summary>
    /// Loop thread: sends one frame (copied); <see cref="SendResult.QueueFull"/> at the high-water mark,
    /// <see cref="SendResult.UnknownPeer"/> when there is no connection to queue it into.
    /// </summary>
    SendResult Send(PortKind port, ReadOnlySpan<byte> frame);

    /// <summary>Stops the loop and closes both sockets, within a bounded time. Safe to call twice.</summary>
    ValueTask StopAsync();
}
