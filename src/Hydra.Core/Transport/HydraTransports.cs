using Hydra.Security;
using Hydra.Transport;
using Hydra.Transport.LibZmq;
using Hydra.Transport.NetMQ;
using Microsoft.Extensions.Logging;

namespace Hydra;

/// <summary>Chooses a transport for routers and peers, and releases what transports hold process-wide.</summary>
public static class HydraTransports
{
    /// <summary>
    /// Releases the transports' process-wide resources (NetMQ's I/O threads, the libzmq context
    /// peers share) without waiting. Call once at the end of a program, after every router and
    /// peer is disposed.
    /// </summary>
    public static void Cleanup()
    {
        NetMQRuntime.Cleanup();
        LibZmqRuntime.Cleanup();
    }

    /// <summary>
    /// Which transport <paramref name="wanted"/> means on this machine for options that do (or
    /// do not) need CURVE, and why, in words for a log line.
    /// </summary>
    /// <exception cref="HydraException">Code <see cref="HydraErrorCode.Network"/>: libzmq was asked for and cannot be used; the message says how to install it.</exception>
    internal static (HydraTransport Transport, string Why) Choose(HydraTransport wanted, bool needsCurve)
    {
        switch (wanted)
        {
            case HydraTransport.NetMQ:
                return (HydraTransport.NetMQ, "asked for");
            case HydraTransport.LibZmq:
                return LibZmqRuntime.IsUsable(needsCurve, out var whyNot)
                    ? (HydraTransport.LibZmq, $"asked for; {LibZmqRuntime.LoadedFrom}")
                    : throw new HydraException(HydraErrorCode.Network, $"the libzmq transport cannot run: {whyNot}");
            case HydraTransport.Auto:
                return LibZmqRuntime.IsUsable(needsCurve, out whyNot)
                    ? (HydraTransport.LibZmq, $"auto: {LibZmqRuntime.LoadedFrom} found")
                    : (HydraTransport.NetMQ, $"auto: {whyNot}");
            default:
                throw new ArgumentException($"unknown transport {wanted}", nameof(wanted));
        }
    }

    internal static IRouterTransport ForRouter(HydraTransport wanted, RouterTransportOptions options, ILogger log, out string why)
    {
        var (transport, reason) = Choose(wanted, needsCurve: options.CurveSecretKey is not null);
        why = reason;
        return transport == HydraTransport.LibZmq ? new LibZmqRouterTransport(options, log) : new NetMQRouterTransport(options, log);
    }

    internal static IPeerTransport ForPeer(HydraTransport wanted, PeerTransportOptions options, string identity, CurveKeyPair? curveKeys)
    {
        var (transport, _) = Choose(wanted, needsCurve: curveKeys is not null);
        return transport == HydraTransport.LibZmq ? new LibZmqPeerTransport(options, identity, curveKeys) : new NetMQPeerTransport(options, identity, curveKeys);
    }
}
