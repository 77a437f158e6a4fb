using Hydra.Testing;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// The setting of issue 16: routers a and b in one cluster, alice on a sending to bob on b at
/// 2,000/s and bob sending to alice at 200/s. Routers and peers are child processes in their
/// places (loopback, or a namespace each), so a kill or a cut is real.
/// </summary>
internal sealed class TrafficRig : IAsyncDisposable
{
    public const int AliceRate = 2000;
    public const int BobRate = 200;

    private TrafficRig(LabRouter a, LabRouter b, TrafficPeer alice, TrafficPeer bob)
    {
        (A, B, Alice, Bob) = (a, b, alice, bob);
    }

    public LabRouter A { get; }
    public LabRouter B { get; }
    public TrafficPeer Alice { get; }
    public TrafficPeer Bob { get; }

    /// <summary>Starts both routers and both peers, and waits until alice and bob reach each other.</summary>
    public static async Task<TrafficRig> StartAsync(string natsUrls, Place placeA, Place placeB)
    {
        var cluster = ClusterRouters.NewName();
        var starting = new[] { LabRouter.StartAsync(placeA, "a", natsUrls, cluster), LabRouter.StartAsync(placeB, "b", natsUrls, cluster) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync(); // never leave a router running behind a failed start
            }
            throw;
        }
        var routers = starting.Select(t => t.Result).ToArray();
        var alice = TrafficPeer.Start(routers[0], "alice", "bob", AliceRate);
        var bob = TrafficPeer.Start(routers[1], "bob", "alice", BobRate);
        var rig = new TrafficRig(routers[0], routers[1], alice, bob);
        try
        {
            // Generous: on a loaded machine routers take a while to start and to hear each other's claims.
            await Task.WhenAll(alice.WaitUntilReachableAsync(TimeSpan.FromSeconds(30)), bob.WaitUntilReachableAsync(TimeSpan.FromSeconds(30)));
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
        return rig;
    }

    /// <summary>Starts the numbered traffic and returns once both peers hear the other's.</summary>
    public async Task<DateTimeOffset> StartTrafficAsync()
    {
        Alice.StartSending();
        Bob.StartSending();
        var started = DateTimeOffset.UtcNow;
        await Eventually.ValueAsync(async () => (await Alice.StatusAsync(), await Bob.StatusAsync()),
            status => status.Item1.Heard.ContainsKey("bob") && status.Item2.Heard.ContainsKey("alice"),
            "alice and bob to hear each other's numbered messages", TimeSpan.FromSeconds(15));
        return started;
    }

    /// <summary>Lets the traffic run: a planned stretch of the scenario, not a wait for anything.</summary>
    public static Task RunForAsync(TimeSpan duration) => Task.Delay(duration);

    /// <summary>
    /// Stops sending, waits until every number is accounted for or nothing has changed for 3 s
    /// (what is still missing then is lost), and returns both peers' summaries.
    /// </summary>
    public async Task<TrafficResult> StopAsync()
    {
        Alice.StopSending();
        Bob.StopSending();
        var last = "";
        var unchangedSince = DateTimeOffset.UtcNow;
        try
        {
            await Eventually.ValueAsync(async () => (await Alice.StatusAsync(), await Bob.StatusAsync()), status =>
            {
                var (alice, bob) = status;
                var allAccounted = bob.Heard.GetValueOrDefault("alice") + alice.Errored >= alice.Sent && alice.Heard.GetValueOrDefault("bob") + bob.Errored >= bob.Sent;
                var now = $"{alice.Sent} {alice.Errored} {string.Join(',', alice.Heard)} {bob.Sent} {bob.Errored} {string.Join(',', bob.Heard)}";
                if (now != last)
                {
                    (last, unchangedSince) = (now, DateTimeOffset.UtcNow);
                }
                var quietFor = DateTimeOffset.UtcNow - unchangedSince;
                return (allAccounted && quietFor > TimeSpan.FromMilliseconds(500)) || quietFor > TimeSpan.FromSeconds(3);
            }, "every number accounted for, or the counts to stop changing", TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            // still changing after 15 s: the summaries below say what is missing
        }
        var summaries = await Task.WhenAll(Alice.ReportAsync(), Bob.ReportAsync());
        return new TrafficResult(summaries[0], summaries[1], $"router a's last lines:\n{A.NotableLines(15)}\nrouter b's last lines:\n{B.NotableLines(15)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>Both peers' summaries, the accounting of both directions, and what the routers logged last (shown when a verdict fails).</summary>
internal sealed record TrafficResult(TrafficSummary Alice, TrafficSummary Bob, string RouterLogs)
{
    public PairAccount AliceToBob { get; } = PairAccount.Of(Alice, Bob);
    public PairAccount BobToAlice { get; } = PairAccount.Of(Bob, Alice);
    public IEnumerable<PairAccount> Pairs => [AliceToBob, BobToAlice];
}
