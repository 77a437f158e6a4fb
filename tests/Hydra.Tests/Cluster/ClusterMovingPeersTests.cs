using System.Diagnostics;
using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Cluster.Scale;
using Hydra.Tests.Reliability;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster;

/// <summary>
/// Issue 16's scale test: 3,000 peers on three routers, a tenth of them moving between routers
/// every few seconds while numbered messages flow between random peers. Every message is
/// delivered once or answered with an error; afterwards every router routes every name to where
/// it is, and every router's table agrees.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterMovingPeersTests(ITestOutputHelper output)
{
    private const int Peers = 3_000;

    [NatsFact]
    public async Task Three_thousand_peers_moving_between_three_routers_under_traffic_lose_nothing_silently()
    {
        var seed = LongRun.Seed();
        var traffic = TimeSpan.FromSeconds(LongRun.Pick(20, 120));
        const int messagesPerSecond = 2_000;
        const int movesPerSecond = 100;
        output.WriteLine($"seed {seed} (replay: HYDRA_SEED={seed}); {Peers:N0} peers, {messagesPerSecond:N0} messages/s, {movesPerSecond} moves/s for {traffic.TotalSeconds:0} s");

        await using var nats = await NatsServer.StartAsync();
        var log = new CapturedLog(LogLevel.Warning, keep: 200);
        var cluster = ClusterRouters.NewName();
        var routers = new[] { "a", "b", "c" }.Select(id => ClusterRouters.Start(nats.Url, cluster, id,
            new RouterOptions { HeartbeatInterval = TimeSpan.FromSeconds(1), LoggerFactory = log })).ToArray();
        var before = ProcStats.Read(Environment.ProcessId);
        MovingSwarm? swarm = null;
        try
        {
            await ClusterRouters.WaitForRoutersAsync(routers, routers.Length);
            swarm = new MovingSwarm([.. routers.Select(r => new SwarmPlace(r.ClusterStats!.RouterId, r.Port, r.HeartbeatPort))], Peers, seed);

            using var sampling = new CancellationTokenSource();
            var sampler = SampleLinksAsync(routers, sampling.Token);
            var connecting = Stopwatch.GetTimestamp();
            await swarm.ConnectAllAsync(TimeSpan.FromSeconds(60));
            var connectedIn = Stopwatch.GetElapsedTime(connecting);
            await EveryRouterKnowsAsync(routers, swarm.Placement, TimeSpan.FromSeconds(30));
            var knownIn = Stopwatch.GetElapsedTime(connecting);
            var files = Directory.GetFiles("/proc/self/fd").Length;
            output.WriteLine($"connected: {Peers:N0} peers × 2 connections in {connectedIn.TotalSeconds:0.0} s, in every router's directory after {knownIn.TotalSeconds:0.0} s; " +
                $"{files:N0} file descriptors open in this process (routers and peers)");

            var running = ProcStats.Read(Environment.ProcessId);
            var trafficStarted = Stopwatch.GetTimestamp();
            await swarm.RunAsync(traffic, messagesPerSecond, movesPerSecond, movesAtOnce: 50);
            var ranFor = Stopwatch.GetElapsedTime(trafficStarted);
            var sent = swarm.Ledger.Sent;
            await SettledAsync(swarm, TimeSpan.FromSeconds(20));
            var ran = ProcStats.Read(Environment.ProcessId);
            var moves = swarm.MoveTimes();
            var tally = swarm.Ledger.Tally(1, sent);
            output.WriteLine($"traffic: {ranFor.TotalSeconds:0.0} s, {swarm.MovesDone:N0} moves (each {moves.P50:0} ms median, {moves.P99:0} ms p99, {moves.Max:0} ms at most, " +
                $"stop sending → answered by the new router), {swarm.Greetings:N0} greetings of arrivals, {swarm.HeartbeatReplies:N0} heartbeat replies");
            output.WriteLine($"messages: {tally}");
            foreach (var (kind, what) in new[] { (MovingSwarm.GreetingFromNewRouter, "its new router"), (MovingSwarm.GreetingFromOldRouter, "the router it left"), (MovingSwarm.GreetingFromThirdRouter, "the third router") })
            {
                output.WriteLine($"  greetings from {what}: {swarm.Ledger.Tally(1, sent, kind)}");
            }
            output.WriteLine($"this process (3 routers, {Peers:N0} peers, the test): {ProcStats.CpuSeconds(running, ran):0.0} s of CPU during the traffic " +
                $"({ProcStats.CoreShare(running, ran):0.00} cores; {ProcStats.CpuSeconds(before, running):0.0} s to connect); RSS {ran.RssKiB / 1024:N0} MiB (peak {ran.PeakRssKiB / 1024:N0} MiB)");

            var rollCallFrom = swarm.Ledger.Sent + 1;
            swarm.RollCall();
            await SettledAsync(swarm, TimeSpan.FromSeconds(20));
            var rollCall = swarm.Ledger.Tally(rollCallFrom, swarm.Ledger.Sent);
            output.WriteLine($"roll call (a peer on each router to every peer): {rollCall}");
            await sampling.CancelAsync();
            output.WriteLine(await sampler);

            var tables = await TablesAgreeAsync(routers, swarm.Placement);
            output.WriteLine($"tables: {tables}");
            foreach (var router in routers)
            {
                var stats = router.ClusterStats!;
                output.WriteLine($"router {stats.RouterId}: frames to other routers {stats.SentToRouters:N0}, from them {stats.ReceivedFromRouters:N0}, entries resent {stats.Resent:N0}, " +
                    $"not confirmed {stats.NotConfirmed:N0}; links {string.Join(", ", stats.Links.Select(l => $"{l.Router} {l.State} ({l.Names:N0} names)"))}");
            }
            foreach (var line in log.Lines.Take(20))
            {
                output.WriteLine($"log: {line}");
            }
            foreach (var problem in swarm.Problems.Take(20))
            {
                output.WriteLine($"problem: {problem}");
            }

            Assert.Empty(swarm.Ledger.Wrong);
            Assert.Empty(swarm.Problems);
            Assert.True(swarm.MovesDone >= Peers / 10, $"only {swarm.MovesDone} moves were made");
            Assert.True(tally.LostSilently.Count == 0, $"{tally.LostSilently.Count} messages lost silently, e.g. {string.Join(", ", tally.LostSilently.Take(5).Select(n => swarm.Ledger.Describe(n, swarm.NameOf)))}");
            Assert.Empty(tally.Twice);
            Assert.Empty(tally.DeliveredDespiteRefusal);
            Assert.Empty(tally.AnsweredTwice);
            // The router a peer has just connected to knows it at once: a peer there reaches it.
            Assert.Equal(0, swarm.Ledger.Tally(1, sent, MovingSwarm.GreetingFromNewRouter).Answered);
            // Once the moves have stopped, every router knows where everyone is: nothing is refused.
            Assert.Equal((rollCall.Sent, 0), (rollCall.Delivered, rollCall.Answered));
            Assert.Null(tables.Disagreement);
        }
        finally
        {
            swarm?.Dispose();
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }

    /// <summary>Each link's unconfirmed entries and bytes (its log), at most, and when entries were sent again, sampled every 100 ms.</summary>
    private static async Task<string> SampleLinksAsync(RouterEngine[] routers, CancellationToken stop)
    {
        var most = new Dictionary<string, (int Entries, long Bytes)>();
        var resends = new List<string>();
        var last = new Dictionary<string, long>();
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var router in routers)
                {
                    var stats = router.ClusterStats!;
                    foreach (var link in stats.Links)
                    {
                        var key = $"{stats.RouterId}→{link.Router}";
                        var (entries, bytes) = most.GetValueOrDefault(key);
                        most[key] = (Math.Max(entries, link.Unconfirmed), Math.Max(bytes, link.UnconfirmedBytes));
                        if (link.Resent > last.GetValueOrDefault(key))
                        {
                            resends.Add($"{Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s {key} +{link.Resent - last.GetValueOrDefault(key)}");
                        }
                        last[key] = link.Resent;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // traffic over
        }
        return $"links, unconfirmed at most (entries, bytes): {string.Join(", ", most.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value.Entries:N0} / {m.Value.Bytes / 1024.0:N0} KiB"))}; " +
            $"entries sent again: {(resends.Count == 0 ? "none" : string.Join(", ", resends))}";
    }

    /// <summary>Every router's links say each other router holds as many names as it has peers.</summary>
    private static Task EveryRouterKnowsAsync(RouterEngine[] routers, IReadOnlyDictionary<string, string> placement, TimeSpan deadline)
    {
        var held = placement.Values.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        return Eventually.TrueAsync(() => routers.All(router => router.ClusterStats!.Links.All(link => link.Names == held.GetValueOrDefault(link.Router))),
            "every router's directory to hold every other router's names", deadline);
    }

    private static async Task SettledAsync(MovingSwarm swarm, TimeSpan deadline)
    {
        try
        {
            await Eventually.TrueAsync(() => swarm.Ledger.Outstanding == 0, "every message delivered or answered", deadline);
        }
        catch (TimeoutException)
        {
            // the tally names what is missing
        }
    }

    /// <summary>
    /// Each router's cluster-wide <c>clients</c> shows each peer connected exactly once, on the
    /// router it is connected to; and each router's links count the names the others hold.
    /// </summary>
    private static async Task<TableCheck> TablesAgreeAsync(RouterEngine[] routers, IReadOnlyDictionary<string, string> placement)
    {
        string? disagreement = null;
        try
        {
            await EveryRouterKnowsAsync(routers, placement, TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            disagreement = "names per router: " + string.Join("; ", routers.Select(r =>
                $"{r.ClusterStats!.RouterId} sees {string.Join(", ", r.ClusterStats.Links.Select(l => $"{l.Router} {l.Names}"))}")) +
                $" (actual: {string.Join(", ", placement.Values.GroupBy(v => v).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))})";
        }
        var rows = 0;
        foreach (var router in routers)
        {
            var table = await router.GetClusterClientsAsync();
            rows += table.Count;
            var connected = table.Where(row => row.Connected).GroupBy(row => row.Identity).ToDictionary(g => g.Key, g => g.Select(row => row.Router).ToList());
            foreach (var (peer, at) in placement)
            {
                var shown = connected.GetValueOrDefault(peer) ?? [];
                if (shown.Count != 1 || shown[0] != at)
                {
                    disagreement ??= $"router {router.ClusterStats!.RouterId}'s table shows {peer} connected on [{string.Join(", ", shown)}]; it is on {at}";
                }
            }
        }
        return new TableCheck(routers.Length, rows, disagreement);
    }

    private sealed record TableCheck(int Routers, int Rows, string? Disagreement)
    {
        public override string ToString() => Disagreement ?? $"{Routers} routers' tables agree on where each of the peers is ({Rows:N0} rows in all, disconnected ones included)";
    }
}
