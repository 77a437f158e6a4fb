using System.Diagnostics;
using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Testing;
using Hydra.Transport;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Many peers on one router process, all heartbeating: every one shows GOOD and messages between
/// random pairs all arrive. Prints the router's memory and CPU (read from /proc).
/// </summary>
public class ManyPeersTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1); // 5x the default heartbeat rate

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Every_peer_shows_good_and_every_message_between_random_pairs_arrives(HydraTransport transport)
    {
        var seed = LongRun.Seed();
        const int swarmSize = 990;                  // light peers: raw DEALER pairs on one poller
        const int realPeers = 10;                   // real HydraMQ peers, a poller thread each
        var perPeer = LongRun.Pick(5, 50);
        var steadyRounds = LongRun.Pick(3, 10);
        var random = new Random(seed);
        output.WriteLine($"seed {seed} (replay: HYDRA_SEED={seed}); {swarmSize} swarm peers + {realPeers} HydraMQ peers, {perPeer} messages each, heartbeats every {Interval.TotalSeconds} s");

        await using var router = await RouterProcess.StartAsync(transport);
        var idle = router.Stats();
        var ledger = new MessageLedger();
        var started = Stopwatch.GetTimestamp();
        using var swarm = new PeerSwarm(swarmSize, router.Port, router.HeartbeatPort, Interval, ledger);
        var mqs = new List<HydraMQ>();
        var receiving = new List<Task>();
        using var stop = new CancellationTokenSource();
        try
        {
            for (var i = 0; i < realPeers; i++)
            {
                var mq = new HydraMQ(router.PeerOptions($"mq-{i}") with { HeartbeatInterval = Interval });
                await mq.StartAsync();
                mqs.Add(mq);
                receiving.Add(Task.Run(() => ReceiveLoad(mq, ledger, stop.Token)));
            }

            // Connected: every light peer has a heartbeat reply and a pong on its main socket; every HydraMQ reports connected.
            swarm.PingAll();
            await Eventually.TrueAsync(() => swarm.WithHeartbeatReplies(1) == swarmSize && swarm.Ponged == swarmSize && mqs.All(m => m.IsConnected),
                "all peers connected", TimeSpan.FromSeconds(60));
            var connectedIn = Stopwatch.GetElapsedTime(started);
            var connected = router.Stats();

            // Messages between random pairs, among all peers, light and real.
            var everyone = swarm.Identities.Concat(mqs.Select(m => m.Identity)).ToList();
            var sendStarted = Stopwatch.GetTimestamp();
            swarm.SendRandom(perPeer, everyone, random);
            foreach (var mq in mqs)
            {
                for (var k = 0; k < perPeer; k++)
                {
                    var target = everyone[random.Next(everyone.Count)];
                    target = target == mq.Identity ? everyone[0] : target;
                    var n = ledger.Sent(mq.Identity, target);
                    await mq.SendAsync(mq.CreateMessage(target, "load", new JsonObject { ["n"] = n }));
                }
            }
            var total = (long)(swarmSize + realPeers) * perPeer;
            await Eventually.TrueAsync(() => ledger.ReceivedCount + ledger.Wrong.Count() >= total, $"{total} messages to arrive", TimeSpan.FromSeconds(60));
            var deliveredIn = Stopwatch.GetElapsedTime(sendStarted);
            var afterMessages = router.Stats();

            // Steady state: CPU while every peer gets a few more heartbeat replies.
            var beatsBefore = swarm.MinHeartbeatReplies;
            var steadyFrom = router.Stats();
            await Eventually.TrueAsync(() => swarm.MinHeartbeatReplies >= beatsBefore + steadyRounds, $"{steadyRounds} more heartbeat rounds", TimeSpan.FromSeconds(60));
            var steadyTo = router.Stats();

            swarm.AskForClients();
            var rows = await Eventually.ValueAsync(() => Task.FromResult(swarm.Clients), c => c is not null, "the clients table");
            var statuses = rows!["payload"]!["clients"]!.AsArray().ToDictionary(r => (string)r!["identity"]!, r => (string)r!["status"]!);

            output.WriteLine($"connected in {connectedIn.TotalSeconds:0.0} s; {total} messages delivered in {deliveredIn.TotalSeconds:0.00} s");
            output.WriteLine($"router idle:           {idle}");
            output.WriteLine($"router all connected:  {connected}");
            output.WriteLine($"router after messages: {afterMessages}");
            output.WriteLine($"router CPU while connecting {ProcStats.CpuSeconds(idle, connected):0.00} s, delivering {ProcStats.CpuSeconds(connected, afterMessages):0.00} s, " +
                $"steady heartbeats {ProcStats.CoreShare(steadyFrom, steadyTo) * 100:0.0}% of one core");
            Assert.Empty(ledger.Wrong);
            Assert.Empty(swarm.Errors);
            Assert.Equal(total, ledger.ReceivedCount);
            Assert.All(everyone, id => Assert.Equal("GOOD", statuses.GetValueOrDefault(id)));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var mq in mqs)
            {
                await mq.DisposeAsync();
            }
            await Task.WhenAll(receiving).WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task ReceiveLoad(HydraMQ mq, MessageLedger ledger, CancellationToken stop)
    {
        try
        {
            await foreach (var message in mq.ReadAllAsync(stop))
            {
                ledger.Received(mq.Identity, message.Sender, (long)message.Payload["n"]!);
            }
        }
        catch (OperationCanceledException)
        {
            // test over
        }
    }
}
