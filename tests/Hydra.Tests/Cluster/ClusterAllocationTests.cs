using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Tests.Performance;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster;

/// <summary>
/// Across routers, the routing threads allocate nothing per message in steady state: the sending
/// router appends the frame to its link's log and writes batches straight into NATS.Net's buffer;
/// the receiving one takes batches through a typed queue with pooled buffers. Measured on each
/// router's routing thread.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterAllocationTests(ITestOutputHelper output)
{
    // Enough for the link logs and pools to reach their working size, and more than the 4,096
    // buffers NetMQ's I/O thread keeps before it shares its surplus with the routing thread.
    private const int Warmup = 6_000;
    private const int Measured = 20_000;
    private const int Window = 500;

    [NatsFact]
    public async Task Routing_across_routers_allocates_no_object_per_message_on_either_routing_thread()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        RouterEngine[] routers = [ClusterRouters.Start(nats.Url, cluster, "a"), ClusterRouters.Start(nats.Url, cluster, "b")];
        try
        {
            await ClusterRouters.WaitForRoutersAsync(routers, 2);
            var (a, b) = (routers[0], routers[1]);
            using var receiver = new PerfPeer("alloc-receiver", b.Port);
            using var sender = new PerfPeer("alloc-sender", a.Port);
            receiver.Register(deadline.Token);
            sender.Register(deadline.Token);
            await ClusterRouters.WaitForClientAsync(a, "alloc-receiver", "b");
            var frame = PerfPeer.Frame(sender.Identity, receiver.Identity, 1, padding: 40);

            Route(sender, receiver, frame, Warmup, deadline.Token);
            Hydra.Cluster.Nats.NatsFederation.MeasureNatsAllocations = true;
            // Three rounds, the least of them counts: an object per message shows in every round, while a
            // buffer reaching its working size (a link's log, as confirmations lag under load) shows once.
            var rounds = new List<(double A, double Nats, double B)>();
            for (var round = 0; round < 3; round++)
            {
                var beforeA = await a.GetLoopAllocatedBytesAsync(deadline.Token);
                var natsBefore = await a.GetNatsAllocatedBytesAsync(deadline.Token);
                var beforeB = await b.GetLoopAllocatedBytesAsync(deadline.Token);
                Route(sender, receiver, frame, Measured, deadline.Token);
                var natsA = (await a.GetNatsAllocatedBytesAsync(deadline.Token) - natsBefore) / (double)Measured;
                rounds.Add((((await a.GetLoopAllocatedBytesAsync(deadline.Token) - beforeA) / (double)Measured) - natsA, natsA,
                    (await b.GetLoopAllocatedBytesAsync(deadline.Token) - beforeB) / (double)Measured));
                output.WriteLine($"round {round + 1}, bytes per message on the routing thread: sending router {rounds[^1].A:F2} (and {natsA:F2} inside NATS.Net), receiving router {rounds[^1].B:F2}");
            }
            var (perMessageA, perMessageB) = (rounds.Min(r => r.A), rounds.Min(r => r.B));
            // Any object per message costs 24 bytes or more; what remains is timers, presence and the measurement itself.
            // NATS.Net (when the cluster goes through it) allocates when a publish finds it flushing; that is its own, and reported above.
            Assert.True(perMessageA < 4, $"the sending router allocated {perMessageA:F2} bytes per message outside NATS.Net, in its best round");
            Assert.True(perMessageB < 4, $"the receiving router allocated {perMessageB:F2} bytes per message, in its best round");
        }
        finally
        {
            Hydra.Cluster.Nats.NatsFederation.MeasureNatsAllocations = false;
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }

    private static void Route(PerfPeer sender, PerfPeer receiver, byte[] frame, int count, CancellationToken deadline)
    {
        var sent = 0;
        var received = 0;
        var lastProgress = TimeProvider.System.GetTimestamp();
        while (received < count)
        {
            deadline.ThrowIfCancellationRequested();
            while (sent < count && sent - received < Window && sender.TrySend(frame, TimeSpan.Zero))
            {
                sent++;
            }
            using var message = receiver.TryReceive(TimeSpan.FromMilliseconds(100));
            if (message?.RootElement.GetProperty("method").GetString() == "load")
            {
                received++;
                lastProgress = TimeProvider.System.GetTimestamp();
            }
            using var back = sender.TryReceive(TimeSpan.Zero);
            // Late pongs from Register may come; errors must not.
            Assert.True(back?.RootElement.GetProperty("method").GetString() != "error", $"error reply: {back?.RootElement.GetRawText()}");
            // Slow is fine (a loaded machine); stuck means messages vanished, and says how many.
            Assert.True(TimeProvider.System.GetElapsedTime(lastProgress) < TimeSpan.FromSeconds(20),
                $"nothing arrived for 20 s: {sent - received} of {sent} sent neither delivered nor refused");
        }
    }
}
