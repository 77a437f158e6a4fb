using Hydra.Mq;
using Hydra.Routing;

namespace Hydra.Tests.Infrastructure;

/// <summary>Real routers and peers on free loopback ports, with short heartbeat intervals.</summary>
internal static class TestRouter
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

    /// <summary>
    /// Starts a router on ports a stopped one just used. NetMQ closes listeners on its I/O
    /// thread a moment after Dispose, so the bind is retried until a deadline.
    /// </summary>
    public static async Task<RouterEngine> StartOnPortsAsync(RouterOptions options)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var router = new RouterEngine(options);
            try
            {
                router.Start();
                return router;
            }
            catch (HydraException e) when (e.Code == HydraErrorCode.Network && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
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
