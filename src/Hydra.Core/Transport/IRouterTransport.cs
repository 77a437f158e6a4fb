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

    /// <summary>Loop thread: hands the frame being handled on to <paramref name="identity"/>, without copying it.</summary>
    SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame);

    /// <summary>Loop thread: sends bytes the rules wrote (a reply); the transport copies them.</summary>
    SendResult Send(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, ReadOnlySpan<byte> body);

    /// <summary>Stops the loop and closes both ports; returns once they can be bound again. Safe to call twice.</summary>
    ValueTask StopAsync();
}
