using System.Diagnostics;
using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>Garbage at a running router while a well-behaved pair keeps talking.</summary>
public class FuzzTests(ITestOutputHelper output)
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task Router_survives_fuzzing_and_a_well_behaved_pair_loses_nothing(HydraTransport transport)
    {
        var seed = LongRun.Seed();
        output.WriteLine($"seed {seed} (replay: HYDRA_SEED={seed})");
        var duration = LongRun.Pick(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        var maxMessages = LongRun.Pick(50_000L, 2_000_000L);
        var errors = new CapturedLog(LogLevel.Error, keep: 20);
        await using var router = TestRouter.Start(transport, new RouterOptions { LoggerFactory = errors });

        // The well-behaved pair: a server with an echo handler and a client asking it, one request at a time.
        await using var bob = new HydraServer(router.PeerOptions("bob"), new Dictionary<string, HydraMethodHandler>
        {
            ["echo"] = HydraHandlers.Sync(m => m.CreateReply("echoed", new JsonObject { ["n"] = (int)m.Payload["n"]! })),
        });
        await bob.StartAsync();
        await using var alice = router.StartPeer("alice");
        await Eventually.TrueAsync(() => alice.IsConnected && bob.IsConnected, "the pair to connect");

        var fuzzer = new Fuzzer(router.Port, router.HeartbeatPort, seed, (int)router.Options.MaxMessageSize);
        // Aimed at the pair and at each other, but never with the pair's own identities: with
        // RouterHandover a connection using "alice" would take over her name by design (closing that is authentication's job).
        var fuzzing = Task.Factory.StartNew(() => fuzzer.Run(duration, maxMessages, ["alice", "bob", "fuzz-0-1", "nobody"]), TaskCreationOptions.LongRunning);

        var exchanged = 0;
        var slowest = TimeSpan.Zero;
        while (!fuzzing.IsCompleted || exchanged == 0)
        {
            var started = Stopwatch.GetTimestamp();
            // Any exception here (timeout, error reply) is a lost message and fails the test.
            var reply = await alice.RequestAsync(alice.CreateMessage("bob", "echo", new JsonObject { ["n"] = exchanged }));
            Assert.Equal(("bob", "echoed", exchanged), (reply.Sender, reply.Method, (int)reply.Payload["n"]!));
            exchanged++;
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
        }
        await fuzzing; // rethrows anything the fuzzer hit

        // Should a fresh client go unanswered (once, in a loaded batch run), say whether the router was
        // still taking the fuzzer's leftover frames meanwhile (busy, and how busy) or had stopped.
        var receivedBefore = router.Stats.Received;
        await using (var late = new HydraClient(router.PeerOptions()))
        {
            await late.StartAsync();
            try
            {
                Assert.Equal("pong", (await late.PingAsync()).Reply.Method);
            }
            catch (HydraTimeoutException e)
            {
                Assert.Fail($"a late ping: {e.Message}; the router took {router.Stats.Received - receivedBefore} more frames meanwhile");
            }
        }
        await alice.StopAsync();
        await bob.DisposeAsync();

        // Every message the router took has exactly one outcome: routed, answered, or refused with an error reply.
        var stats = await Eventually.ValueAsync(() => Task.FromResult(router.Stats),
            s => s.Received == s.Routed + s.Pongs + s.Heartbeats + s.TotalErrors, "every received message to be accounted for");
        output.WriteLine($"{duration.TotalSeconds:0} s: fuzzer sent {fuzzer.Sent} (+{fuzzer.Oversize} oversize, {fuzzer.NotTaken} not taken by its own full queue) from {fuzzer.Identities} identities, got {fuzzer.Replies} replies");
        output.WriteLine($"pair: {exchanged} request/replies, none lost, slowest {slowest.TotalMilliseconds:0} ms");
        output.WriteLine($"router: received {stats.Received}, routed {stats.Routed}, pongs {stats.Pongs}, heartbeats {stats.Heartbeats}, errors {string.Join(", ", stats.Errors.Select(e => $"{e.Key.ToWire()} {e.Value}"))}, replies not delivered {stats.RepliesNotDelivered}");
        output.WriteLine("kinds: " + string.Join(", ", fuzzer.Kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        Assert.True(errors.Lines.Count == 0, "no internal error while handling anything:\n" + string.Join('\n', errors.Lines));
        Assert.Equal(0, stats.Errors.GetValueOrDefault(HydraErrorCode.Other));
        Assert.True(stats.Errors.GetValueOrDefault(HydraErrorCode.BadMessage) > 0 && fuzzer.Sent > 1000, "the fuzzer must actually have reached the router");
    }
}
