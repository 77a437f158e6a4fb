using Hydra.Protocol;

namespace Hydra.Transport;

/// <summary>What the routing rules are told by a router transport. Called on the loop thread only.</summary>
internal interface IRouterRules
{
    /// <summary>A message arrived on <paramref name="port"/> from the connection named <paramref name="identity"/>.</summary>
    void OnFrame(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame);

    /// <summary>
    /// The connection named <paramref name="identity"/> on <paramref name="port"/> closed. Only
    /// from transports with <see cref="TransportCapabilities.PeerGone"/>.
    /// </summary>
    void OnPeerGone(PortKind port, ReadOnlySpan<byte> identity);

    /// <summary>
    /// Whether a forward may wait for the end of its burst (<see cref="SendResult.Queued"/>). Read
    /// once, at start. Off when the rules keep a trace of messages, which records each outcome as it happens.
    /// </summary>
    bool MayQueueForwards { get; }

    /// <summary>
    /// A forward the transport queued could not be sent, for <paramref name="result"/>.
    /// <paramref name="identity"/> and <paramref name="frame"/> are the message's sender and the
    /// message, as <see cref="OnFrame"/> had them; <paramref name="token"/> is what the rules gave <see cref="IRouterTransport.Forward"/>.
    /// </summary>
    void OnForwardFailed(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame, SendResult result, object? token);
}

/// <summary>
/// The sockets a router listens on (two ROUTER ports) and the thread that serves them. The
/// routing rules (<see cref="RouterEngine"/>) know nothing else of ZeroMQ: frames come
/// in through <see cref="IRouterRules"/>, and everything goes out through <see cref="Send"/> and
/// <see cref="Forward"/>. Nothing that is not a Hydra message ever leaves through a transport.
/// </summary>
internal interface IRouterTransport : IAsyncDisposable
{
    /// <summary>For log lines: "NetMQ", "in-memory", …</summary>
    string Name { get; }

    TransportCapabilities Capabilities { get; }

    ITransportLoop Loop { get; }

    /// <summary>Binds both ports and starts the loop; from now on frames reach <paramref name="rules"/>.</summary>
    /// <returns>The bound ports (useful when 0 asked for a free one).</returns>
    /// <exception cref="HydraException">Code <see cref="HydraErrorCode.Network"/>, saying what is wrong in words (port in use, not an address of this machine, …).</exception>
    (int Port, int HeartbeatPort) Start(IRouterRules rules);

    /// <summary>
    /// Loop thread: hands the frame being handled on to <paramref name="identity"/>, without copying
    /// it; or queues it (<see cref="SendResult.Queued"/>), when the rules allow, with <paramref name="token"/>
    /// to hand back should it fail.
    /// </summary>
    SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame, object? token);

    /// <summary>Loop thread: sends bytes the rules wrote (a reply); the transport copies them.</summary>
    SendResult Send(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, ReadOnlySpan<byte> body);

    /// <summary>Stops the loop and closes both ports; returns once they can be bound again. Safe to call twice.</summary>
    ValueTask StopAsync();
}
