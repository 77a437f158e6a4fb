using Hydra.Mq;
using Hydra.Routing;
using Hydra.Security;
using Hydra.Transport.NetMQ;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport;

/// <summary>Chooses a transport for routers and peers, and releases what transports hold process-wide.</summary>
public static class HydraTransports
{
    /// <summary>
    /// Releases the transports' process-wide resources (NetMQ's I/O threads) without waiting.
    /// Call once at the end of a program, after every router and peer is disposed.
    /// </summary>
    public static void Cleanup() => NetMQRuntime.Cleanup();

    internal static IRouterTransport ForRouter(RouterOptions options, ILogger log) => options.Transport switch
    {
        HydraTransport.Auto or HydraTransport.NetMQ => new NetMQRouterTransport(options, log),
        _ => throw new ArgumentException($"unknown transport {options.Transport}", nameof(options)),
    };

    internal static IPeerTransport ForPeer(HydraMQOptions options, string identity, CurveKeyPair? curveKeys) => options.Transport switch
    {
        HydraTransport.Auto or HydraTransport.NetMQ => new NetMQPeerTransport(options, identity, curveKeys),
        _ => throw new ArgumentException($"unknown transport {options.Transport}", nameof(options)),
    };
}
