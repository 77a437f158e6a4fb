using Hydra.Testing;
using Hydra.Transport;
using Hydra.Routing;
using Xunit;

namespace Hydra.Tests.Performance;

/// <summary>
/// The router's policy when a receiver's queue is full (RouterOptions.HighWatermark reached):
/// the message is refused with an <c>error</c> whose code is <c>busy</c>, so nothing is lost
/// silently. Every message is either delivered once or refused with busy; a refusal whose answer
/// cannot be queued to the sender either is counted in RepliesNotDelivered (and logged).
/// </summary>
public sealed class BusyWhenQueueFullTests
{
    private const int Messages = 3_000;
    private const int Padding = 8_000; // 8 KB frames: enough to fill the kernel's loopback buffers too

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Receiver_that_never_reads_makes_senders_get_busy_and_nothing_is_lost(HydraTransport transport)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var router = new RouterEngine(new RouterOptions { Transport = transport, Address = "127.0.0.1", Port = 0, HeartbeatPort = 0, HighWatermark = 10 });
        await router.StartAsync();
        using var receiver = new PerfPeer("busy-receiver", router.Port, receiveHighWatermark: 10);
        using var sender = new PerfPeer("busy-sender", router.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);

        // The receiver reads nothing while the sender sends; the sender reads its error replies as they come.
        var busy = new HashSet<int>();
        var otherErrors = new List<string>();
        for (var seq = 0; seq < Messages; seq++)
        {
            Assert.True(sender.TrySend(PerfPeer.Frame(sender.Identity, receiver.Identity, seq, Padding), TimeSpan.FromSeconds(10)), "the sender could not queue a message");
            ReadErrors(sender, TimeSpan.Zero, busy, otherErrors);
        }

        // Now the receiver reads what was delivered; everything must be accounted for.
        var delivered = new HashSet<int>();
        var duplicates = 0;
        while (delivered.Count + busy.Count + router.Stats.RepliesNotDelivered < Messages && !deadline.IsCancellationRequested)
        {
            using var message = receiver.TryReceive(TimeSpan.FromMilliseconds(100));
            var isLoad = message?.RootElement.GetProperty("method").GetString() == "load"; // not a late pong from Register
            if (isLoad && !delivered.Add(message!.RootElement.GetProperty("payload").GetProperty("seq").GetInt32()))
            {
                duplicates++;
            }
            ReadErrors(sender, TimeSpan.Zero, busy, otherErrors);
        }

        var stats = router.Stats;
        Assert.Empty(otherErrors);
        Assert.NotEmpty(busy);                // the queue did fill up: the policy was exercised
        Assert.NotEmpty(delivered);
        Assert.Equal(0, duplicates);
        Assert.Empty(delivered.Intersect(busy)); // refused means not delivered
        // Nothing vanished: delivered, or answered busy, or (a burst of refusals outran the
        // sender's own small queue) refused with the answer counted and logged as undeliverable.
        Assert.Equal(Messages, delivered.Count + busy.Count + stats.RepliesNotDelivered);
        Assert.Equal(busy.Count + stats.RepliesNotDelivered, stats.Errors.GetValueOrDefault(HydraErrorCode.Busy));
        // The routed counter counts what went, also where libzmq's forwards are sent after the burst they came in.
        Assert.Equal(delivered.Count, stats.Routed);
    }

    private static void ReadErrors(PerfPeer sender, TimeSpan wait, HashSet<int> busy, List<string> otherErrors)
    {
        while (sender.TryReceive(wait) is { } reply)
        {
            using (reply)
            {
                var root = reply.RootElement;
                if (root.GetProperty("method").GetString() == "pong")
                {
                    continue; // a late answer to Register's ping
                }
                var code = root.GetProperty("payload").GetProperty("code").GetString();
                var replyTo = root.GetProperty("reply_to").GetString()!;
                if (root.GetProperty("method").GetString() == "error" && code == "busy" && busy.Add(int.Parse(replyTo[1..], System.Globalization.CultureInfo.InvariantCulture)))
                {
                    continue;
                }
                otherErrors.Add(root.GetRawText());
            }
        }
    }
}
