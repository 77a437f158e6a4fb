using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Performance;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Cluster;

/// <summary>
/// busy across routers: when a message cannot be taken on its way (the target's queue on its
/// router is full, or more than MaxUnconfirmedBytes wait for the other router to confirm them),
/// the sender, on another router, gets busy; every message is delivered once or answered, none
/// vanishes, none arrives twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBusyTests
{
    // The target's queue on its router is full (transport busy: a high-water mark of 10); or the
    // target's router takes at most 64 KB from NATS at a time and drops the rest, which its sender
    // keeps and sends again, so that the sender's 256 KB of unconfirmed frames fill (link busy).
    // 24 MB each time, to fill the receiver's TCP buffers too.
    [NatsTheory]
    [InlineData(10, int.MaxValue, 3_000, 8_000)]
    [InlineData(100_000, 64 * 1024, 3_000, 8_000)]
    public async Task A_receiver_that_never_reads_makes_a_sender_on_another_router_get_busy_and_nothing_is_lost(int highWatermark, int maxInboundBytes, int messages, int padding)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        var log = new CapturedLog(LogLevel.Information, keep: 200); // shown if a message is unaccounted for
        await using var a = ClusterRouters.Start(nats.Url, cluster, "a", new RouterOptions { LoggerFactory = log }, c => c with { MaxUnconfirmedBytes = 256 * 1024 });
        await using var b = ClusterRouters.Start(nats.Url, cluster, "b", new RouterOptions { HighWatermark = highWatermark, LoggerFactory = log },
            c => c with { MaxInboundBytes = maxInboundBytes });
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);
        using var receiver = new PerfPeer("busy-receiver", b.Port, receiveHighWatermark: 10);
        using var sender = new PerfPeer("busy-sender", a.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);
        await ClusterRouters.WaitForClientAsync(a, "busy-receiver", "b");

        var errors = new Errors();
        for (var seq = 0; seq < messages; seq++)
        {
            Assert.True(sender.TrySend(PerfPeer.Frame(sender.Identity, receiver.Identity, seq, padding), TimeSpan.FromSeconds(10)), "the sender could not queue a message");
            errors.Read(sender);
        }
        Assert.NotEmpty(ReceiveUntilAllAccountedFor(receiver, sender, messages, errors, () => a.Stats.RepliesNotDelivered, log, deadline.Token));
        Assert.NotEmpty(errors.Busy);
        Assert.Empty(errors.Other);
    }

    // While NATS takes nothing (paused: a server starved or frozen), router a keeps at most
    // MaxUnconfirmedBytes for router b and answers the next frame busy at once; once b has been
    // silent for the link timeout, every frame a had not had confirmed is answered not_confirmed,
    // and the next ones cluster_unavailable at once. When NATS is back, the link comes up again
    // and messages flow. None is lost, none arrives twice.
    [NatsFact]
    public async Task While_NATS_takes_nothing_a_burst_is_answered_and_messages_flow_again_when_NATS_is_back()
    {
        const int messages = 3_000;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        var log = new CapturedLog(LogLevel.Information, keep: 200);
        await using var a = ClusterRouters.Start(nats.Url, cluster, "a", new RouterOptions { LoggerFactory = log }, c => c with { MaxUnconfirmedBytes = 256 * 1024 });
        await using var b = ClusterRouters.Start(nats.Url, cluster, "b", new RouterOptions { LoggerFactory = log });
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);
        using var receiver = new PerfPeer("paused-receiver", b.Port);
        using var sender = new PerfPeer("paused-sender", a.Port);
        receiver.Register(deadline.Token);
        sender.Register(deadline.Token);
        await ClusterRouters.WaitForClientAsync(a, "paused-receiver", "b");

        var errors = new Errors();
        nats.Pause();
        try
        {
            for (var seq = 0; seq < messages; seq++)
            {
                Assert.True(sender.TrySend(PerfPeer.Frame(sender.Identity, receiver.Identity, seq, 8_000), TimeSpan.FromSeconds(10)), "the sender could not queue a message");
                errors.Read(sender);
            }
            await Eventually.TrueAsync(() => errors.Read(sender) && errors.ByCode.ContainsKey("not_confirmed"), "the unconfirmed frames answered not_confirmed", TimeSpan.FromSeconds(20));
            Assert.NotEmpty(errors.Busy);
        }
        finally
        {
            nats.Resume();
        }
        ReceiveUntilAllAccountedFor(receiver, sender, messages, errors, () => 0, log, deadline.Token);
        Assert.Empty(errors.Other);
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);
        using var afterwards = new PerfPeer("paused-sender-2", a.Port);
        afterwards.Register(deadline.Token);
        await Eventually.TrueAsync(() => afterwards.TrySend(PerfPeer.Frame(afterwards.Identity, receiver.Identity, 0, 10), TimeSpan.Zero)
            && receiver.TryReceive(TimeSpan.FromMilliseconds(500)) is { } got && got.RootElement.GetProperty("sender").GetString() == afterwards.Identity,
            "a message across the routers after NATS is back", TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Reads what reaches the receiver, and the sender's errors, until every message is delivered or
    /// answered (or its answer counted as undeliverable), or the deadline; then checks that each was
    /// delivered once or answered, both only when the answer was not_confirmed, never lost.
    /// </summary>
    private static HashSet<int> ReceiveUntilAllAccountedFor(PerfPeer receiver, PerfPeer sender, int messages, Errors errors,
        Func<long> repliesNotDelivered, CapturedLog log, CancellationToken deadline)
    {
        var delivered = new HashSet<int>();
        var duplicates = 0;
        while (delivered.Union(errors.All).Count() + repliesNotDelivered() < messages && !deadline.IsCancellationRequested)
        {
            using var message = receiver.TryReceive(TimeSpan.FromMilliseconds(100));
            if (message?.RootElement.GetProperty("method").GetString() == "load" && !delivered.Add(message.RootElement.GetProperty("payload").GetProperty("seq").GetInt32()))
            {
                duplicates++;
            }
            errors.Read(sender);
        }

        var notDelivered = repliesNotDelivered();
        var accounted = delivered.Union(errors.All).Count();
        Assert.True(messages == accounted + notDelivered,
            $"{messages} sent, {delivered.Count} delivered, errors {errors}, {notDelivered} replies not delivered; {messages - accounted - notDelivered} lost; routers' log:\n{string.Join('\n', log.Lines)}");
        Assert.Equal(0, duplicates);
        Assert.Empty(delivered.Intersect(errors.All.Except(errors.Code("not_confirmed"))));
        return delivered;
    }

    /// <summary>The sender's error replies, by message number and code.</summary>
    private sealed class Errors
    {
        public Dictionary<string, HashSet<int>> ByCode { get; } = [];

        public List<string> Other { get; } = [];

        public HashSet<int> Busy => Code("busy");

        public IEnumerable<int> All => ByCode.Values.SelectMany(numbers => numbers);

        public HashSet<int> Code(string code) => ByCode.TryGetValue(code, out var numbers) ? numbers : [];

        /// <summary>Reads every reply waiting; true (so it can end a condition).</summary>
        public bool Read(PerfPeer sender)
        {
            while (sender.TryReceive(TimeSpan.Zero) is { } reply)
            {
                using (reply)
                {
                    var root = reply.RootElement;
                    if (root.GetProperty("method").GetString() == "pong")
                    {
                        continue;
                    }
                    var code = root.GetProperty("payload").GetProperty("code").GetString()!;
                    if (code is "busy" or "not_confirmed" or "cluster_unavailable" && root.GetProperty("reply_to").GetString() is { } replyTo)
                    {
                        var numbers = ByCode.TryGetValue(code, out var known) ? known : ByCode[code] = [];
                        if (numbers.Add(int.Parse(replyTo[1..], System.Globalization.CultureInfo.InvariantCulture)))
                        {
                            continue;
                        }
                    }
                    Other.Add(root.GetRawText());
                }
            }
            return true;
        }

        public override string ToString() => string.Join(", ", ByCode.Select(code => $"{code.Key} {code.Value.Count}")) + $", other {Other.Count}";
    }
}
