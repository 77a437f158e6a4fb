using Hydra.Mq;
using Hydra.Routing;
using Hydra.Transport;

namespace Hydra.Testing;

/// <summary>
/// Real routers and peers on free loopback ports, with short heartbeat intervals. Peers take
/// the router's transport unless a test says otherwise, so a test parameterised by transport
/// runs router and peers on it.
/// </summary>
public static class TestRouter
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public static RouterEngine Start(RouterOptions? options = null)
    {
        var router = new RouterEngine((options ?? new RouterOptions()) with
        {
            Address = "127.0.0.1",
            Port = 0,
            HeartbeatPort = 0,
            HeartbeatInterval = options?.HeartbeatInterval ?? Interval,
        });
        router.StartAsync().GetAwaiter().GetResult();
        return router;
    }

    public static RouterEngine Start(HydraTransport transport, RouterOptions? options = null) =>
        Start((options ?? new RouterOptions()) with { Transport = transport });

    /// <summary>A router on <paramref name="transport"/> on given ports (a restart on the same ports).</summary>
    public static RouterEngine StartOn(HydraTransport transport, int port, int heartbeatPort, RouterOptions? options = null)
    {
        var router = new RouterEngine((options ?? new RouterOptions()) with
        {
            Address = "127.0.0.1",
            Port = port,
            HeartbeatPort = heartbeatPort,
            HeartbeatInterval = options?.HeartbeatInterval ?? Interval,
            Transport = transport,
        });
        router.StartAsync().GetAwaiter().GetResult();
        return router;
    }

    public static HydraMQOptions PeerOptions(this RouterEngine router, string? identity = null) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = router.Port,
        RouterHeartbeatPort = router.HeartbeatPort,
        Identity = identity,
        HeartbeatInterval = Interval,
        NetworkTimeout = TimeSpan.FromSeconds(5),
        Transport = router.Options.Transport,
    };

    public static HydraMQ StartPeer(this RouterEngine router, string? identity = null, HydraMQOptions? options = null)
    {
        var peer = new HydraMQ(options ?? router.PeerOptions(identity));
        peer.StartAsync().GetAwaiter().GetResult();
        return peer;
    }
}
