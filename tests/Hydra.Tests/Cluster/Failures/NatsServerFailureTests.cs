using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>
/// Issue 16, "Done when" 1: the one nats-server of a cluster of two routers is killed and restarted,
/// or stalled, under traffic both ways. On loopback: every process is a real child process.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NatsServerFailureTests(ITestOutputHelper output)
{
    [NatsPythonFact]
    public async Task NATS_killed_and_restarted_under_load_loses_nothing_silently_and_never_calls_a_connected_peer_unknown()
    {
        await using var nats = await LabNats.StartAsync(Place.Loopback);
        await using var rig = await TrafficRig.StartAsync(nats.Url, Place.Loopback, Place.Loopback);
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        var killedAt = await nats.KillAsync();
        await nats.RunAsync();
        var restartedAt = DateTimeOffset.UtcNow;
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(10));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, "nats-server killed (SIGKILL) and restarted", result);
        verdict.Note($"nats-server ready again {Verdict.Ms(restartedAt - killedAt)} after the kill");
        foreach (var pair in result.Pairs)
        {
            verdict.NothingLostSilentlyTwiceOrOutOfOrder(pair);
            verdict.NeverUnknownTarget(pair);
            verdict.Note($"{pair.Name}: first error {Verdict.Ms(pair.FirstErrorAfter(killedAt))} after the kill, steady {Verdict.Ms(pair.SteadyAfter(restartedAt))} after the restart");
        }
        verdict.Assert();
    }

    [NatsPythonFact]
    public async Task NATS_stalled_for_10_s_under_load_loses_nothing_silently_routers_say_so_within_2_s_and_are_steady_5_s_after()
    {
        await using var nats = await LabNats.StartAsync(Place.Loopback);
        await using var rig = await TrafficRig.StartAsync(nats.Url, Place.Loopback, Place.Loopback);
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        var stalledAt = nats.Stall();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(10));
        var continuedAt = nats.Continue();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(7));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, "nats-server stalled (SIGSTOP) for 10 s, then continued (SIGCONT)", result);
        foreach (var pair in result.Pairs)
        {
            verdict.NothingLostSilentlyTwiceOrOutOfOrder(pair);
            verdict.NeverUnknownTarget(pair);
            // A stalled server cuts every router off from the others, as a partition does (item 2: whatever the server does).
            verdict.AnsweredWithin(pair, "the stall", stalledAt, TimeSpan.FromSeconds(2));
            verdict.SteadyWithin(pair, "SIGCONT", continuedAt, TimeSpan.FromSeconds(5));
        }
        verdict.Assert();
    }
}
