using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Performance;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Cluster;

/// <summary>
/// busy across routers: when the target's router cannot take a message (its queue to the target
/// is full, or too many frames from the cluster wait), the sender, on another router, gets busy;
/// every message is delivered once or refused, none vanishes (a frame NATS.Net gives up on is
/// refused too: docs/cluster.md, windows that remain).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBusyTests
{
    // The target's queue on its router is full (transport busy), or too many frames from the cluster
    // wait on the target's router (cluster busy: 20 at once). 24 MB each time, to fill the receiver's
    // TCP buffers too, and more than the sending router lets wait for NATS (MaxPendingBytes).
    [NatsTheory]
    [InlineData(10, 16_384, 3_000, 8_000)]
    [InlineData(100_000, 20, 3_000, 8_000)]
    public async Task A_receiver_that_never_reads_makes_a_sender_on_another_router_get_busy_and_nothing_is_lost(int highWatermark, int maxPending, int messages, int padding)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        var log = new CapturedLog(LogLevel.Information, keep: 200); // shown if a message is unaccounted for
        await using var a = ClusterRouters.Start(nats.Url, cluster, "a", new RouterOptions { LoggerFactory = log });
        await using var b = ClusterRouters.Start(nats.Url, cluster, "b", new RouterOptions { HighWatermark = highWatermark, LoggerFactory = log }, c => c with { MaxPending = maxPending });
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);
        using var receiver = new PerfPeer("busy-receiver", b.Port, receiveHighWatermark: 10);
        using var sender = new PerfPeer("busy-sender", a.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);
        await ClusterRouters.WaitForClientAsync(a, "busy-receiver", "b");

        var busy = new HashSet<int>();
        var otherErrors = new List<string>();
        for (var seq = 0; seq < messages; seq++)
        {
            Assert.True(sender.TrySend(PerfPeer.Frame(sender.Identity, receiver.Identity, seq, padding), TimeSpan.FromSeconds(10)), "the sender could not queue a message");
            ReadErrors(sender, busy, otherErrors);
        }
        ReceiveUntilAllAccountedFor(receiver, sender, messages, busy, otherErrors, () => a.Stats.RepliesNotDelivered, log, deadline.Token);
        Assert.NotEmpty(busy);
    }

    // A router holds at most MaxPendingBytes of frames waiting for NATS.Net's write buffer (docs/cluster.md,
    // "Back pressure"). Before that bound, a burst into a NATS that takes nothing for a while queued in
    // full (24 MB here) and NATS's pings and the routers' presence waited behind it.
    [NatsFact]
    public async Task While_NATS_takes_nothing_a_burst_is_answered_busy_at_once_and_the_rest_arrives_when_NATS_is_back()
    {
        const int messages = 3_000;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        var log = new CapturedLog(LogLevel.Information, keep: 200);
        // Pings far apart on both routers, so that the pause below cannot cost a connection (that window is NATS's: docs/cluster.md).
        await using var a = ClusterRouters.Start(nats.Url, cluster, "a", new RouterOptions { LoggerFactory = log },
            c => c with { MaxPendingBytes = 256 * 1024, PingInterval = TimeSpan.FromSeconds(10) });
        await using var b = ClusterRouters.Start(nats.Url, cluster, "b", new RouterOptions { LoggerFactory = log },
            c => c with { PingInterval = TimeSpan.FromSeconds(10) });
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);
        using var receiver = new PerfPeer("paused-receiver", b.Port);
        using var sender = new PerfPeer("paused-sender", a.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);
        await ClusterRouters.WaitForClientAsync(a, "paused-receiver", "b");

        var busy = new HashSet<int>();
        var busyDetails = new List<string>();
        var otherErrors = new List<string>();
        nats.Pause();
        try
        {
            for (var seq = 0; seq < messages; seq++)
            {
                Assert.True(sender.TrySend(PerfPeer.Frame(sender.Identity, receiver.Identity, seq, 8_000), TimeSpan.FromSeconds(10)), "the sender could not queue a message");
                ReadErrors(sender, busy, otherErrors, details: busyDetails);
            }
            // Answered while NATS is still paused, by router a's own bound: not by NATS.Net giving up
            // on a publish after its 5 s command timeout, the only answer there was without the bound.
            var answeredBy = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (busy.Count == 0 && otherErrors.Count == 0 && DateTime.UtcNow < answeredBy)
            {
                ReadErrors(sender, busy, otherErrors, TimeSpan.FromMilliseconds(50), busyDetails);
            }
            Assert.True(busy.Count > 0, $"no message was answered busy while NATS took nothing; router a received {a.Stats.Received} frames "
                + $"and handed {a.ClusterStats!.SentToRouters} to NATS; {otherErrors.Count} other errors, the first: {otherErrors.FirstOrDefault()}");
            Assert.Contains("waiting to go to other routers", busyDetails[0], StringComparison.Ordinal);
        }
        finally
        {
            nats.Resume();
        }

        ReceiveUntilAllAccountedFor(receiver, sender, messages, busy, otherErrors, () => 0, log, deadline.Token);
    }

    /// <summary>
    /// Reads what reaches the receiver, and the sender's errors, until every message is delivered or
    /// answered busy (or its busy answer counted as undeliverable), or the deadline; then checks that
    /// each was delivered once or refused, never both, never lost, and that some got through.
    /// </summary>
    private static void ReceiveUntilAllAccountedFor(PerfPeer receiver, PerfPeer sender, int messages, HashSet<int> busy, List<string> otherErrors,
        Func<long> repliesNotDelivered, CapturedLog log, CancellationToken deadline)
    {
        var delivered = new HashSet<int>();
        var duplicates = 0;
        while (delivered.Count + busy.Count + repliesNotDelivered() < messages && !deadline.IsCancellationRequested)
        {
            using var message = receiver.TryReceive(TimeSpan.FromMilliseconds(100));
            if (message?.RootElement.GetProperty("method").GetString() == "load" && !delivered.Add(message.RootElement.GetProperty("payload").GetProperty("seq").GetInt32()))
            {
                duplicates++;
            }
            ReadErrors(sender, busy, otherErrors);
        }

        Assert.True(otherErrors.Count == 0, $"{otherErrors.Count} other errors, the first: {otherErrors.FirstOrDefault()}");
        Assert.NotEmpty(delivered);
        Assert.Equal(0, duplicates);
        Assert.Empty(delivered.Intersect(busy));
        var notDelivered = repliesNotDelivered();
        Assert.True(messages == delivered.Count + busy.Count + notDelivered,
            $"{messages} sent, {delivered.Count} delivered, {busy.Count} busy, {notDelivered} replies not delivered; routers' log:\n{string.Join('\n', log.Lines)}");
    }

    private static void ReadErrors(PerfPeer sender, HashSet<int> busy, List<string> otherErrors, TimeSpan wait = default, List<string>? details = null)
    {
        while (sender.TryReceive(wait) is { } reply)
        {
            using (reply)
            {
                var root = reply.RootElement;
                if (root.GetProperty("method").GetString() == "pong")
                {
                    continue;
                }
                var code = root.GetProperty("payload").GetProperty("code").GetString();
                var replyTo = root.GetProperty("reply_to").GetString()!;
                if (code == "busy" && busy.Add(int.Parse(replyTo[1..], System.Globalization.CultureInfo.InvariantCulture)))
                {
                    details?.Add(root.GetProperty("payload").GetProperty("detail").GetString() ?? "");
                    continue;
                }
                otherErrors.Add(root.GetRawText());
            }
        }
    }
}
