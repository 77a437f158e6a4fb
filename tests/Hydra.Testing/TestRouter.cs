using Hydra.Mq;
using Hydra.Routing;

namespace Hydra.Testing;

/// <summary>Real routers and peers on free loopback ports, with short heartbeat intervals.</summary>
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
        router.Start();
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
    };

    public static HydraMQ StartPeer(this RouterEngine router, string? identity = null, HydraMQOptions? options = null)
    {
        var peer = new HydraMQ(options ?? router.PeerOptions(identity));
        peer.Start();
        return peer;
    }
}
