using Hydra.Testing;
using Hydra.Transport;
using Hydra.Routing;
using Xunit;

namespace Hydra.Tests.Performance;

/// <summary>
/// The routing path allocates nothing per message once warm. Measured on the router's
/// poller thread (the thread that routes every message) with GC.GetAllocatedBytesForCurrentThread,
/// so other tests running at the same time cannot disturb it. No timing is asserted.
/// </summary>
public sealed class RoutingAllocationTests
{
    private const int Warmup = 3_000;
    private const int Measured = 20_000;
    private const int Window = 500;

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Forwarding_allocates_no_object_per_message_in_steady_state(HydraTransport transport)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var router = new RouterEngine(new RouterOptions { Transport = transport, Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 });
        await router.StartAsync();
        using var receiver = new PerfPeer("alloc-receiver", router.Port);
        using var sender = new PerfPeer("alloc-sender", router.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);
        var frame = PerfPeer.Frame(sender.Identity, receiver.Identity, 1, padding: 40); // ~130 bytes

        Route(sender, receiver, frame, Warmup, deadline.Token);
        var before = await router.GetLoopAllocatedBytesAsync(deadline.Token);
        var routedBefore = router.Stats.Routed;
        Route(sender, receiver, frame, Measured, deadline.Token);
        var after = await router.GetLoopAllocatedBytesAsync(deadline.Token);
        var routed = router.Stats.Routed - routedBefore;

        Assert.Equal(Measured, routed);
        var perMessage = (after - before) / (double)routed;
        // The smallest object costs 24 bytes; a per-message string, array or delegate would show as
        // 24 or more. What remains is the measurement itself and the router's once-a-second timer.
        Assert.True(perMessage < 4, $"routing allocated {perMessage:F2} bytes per message on the poller thread");
    }

    private static void Route(PerfPeer sender, PerfPeer receiver, byte[] frame, int count, CancellationToken deadline)
    {
        var sent = 0;
        var received = 0;
        while (received < count)
        {
            deadline.ThrowIfCancellationRequested();
            while (sent < count && sent - received < Window && sender.TrySend(frame, TimeSpan.Zero))
            {
                sent++;
            }
            using var message = receiver.TryReceive(TimeSpan.FromMilliseconds(100));
            if (message?.RootElement.GetProperty("method").GetString() == "load") // not a late pong from Register
            {
                received++;
            }
        }
    }
}
