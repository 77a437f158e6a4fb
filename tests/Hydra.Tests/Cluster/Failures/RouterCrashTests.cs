using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>Issue 16, "Done when" 1: router b is killed (SIGKILL) under traffic both ways.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RouterCrashTests(ITestOutputHelper output)
{
    [NatsPythonFact]
    public Task A_router_killed_under_load_loses_nothing_silently_that_was_sent_to_its_peers() =>
        CrashAsync(hangFirst: TimeSpan.Zero);

    /// <summary>
    /// A plain kill loses frames only when some are on their way to router b at that instant (0 to 15
    /// per run here); a router that hangs first (a frozen host, a watchdog's kill) always has some.
    /// </summary>
    [NatsPythonFact]
    public Task A_router_that_hangs_for_half_a_second_and_is_killed_loses_nothing_silently_that_was_sent_to_its_peers() =>
        CrashAsync(hangFirst: TimeSpan.FromMilliseconds(500));

    private async Task CrashAsync(TimeSpan hangFirst)
    {
        await using var nats = await LabNats.StartAsync(Place.Loopback);
        await using var rig = await TrafficRig.StartAsync(nats.Url, Place.Loopback, Place.Loopback);
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        var stoppedWorkingAt = DateTimeOffset.UtcNow;
        if (hangFirst > TimeSpan.Zero)
        {
            stoppedWorkingAt = rig.B.Freeze();
            await TrafficRig.RunForAsync(hangFirst);
        }
        var killedAt = await rig.B.KillAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(8));
        var result = await rig.StopAsync();

        var hang = hangFirst > TimeSpan.Zero ? $" after hanging (SIGSTOP) for {Verdict.Ms(killedAt - stoppedWorkingAt)}" : "";
        var verdict = new Verdict(output, $"router b killed (SIGKILL){hang}; bob stays, without a router", result);
        // alice→bob: every frame router a took for bob is delivered or answered, also those on their way at the kill.
        verdict.NothingLostSilentlyTwiceOrOutOfOrder(result.AliceToBob);
        verdict.AnsweredWithin(result.AliceToBob, "router b stopped working", stoppedWorkingAt, TimeSpan.FromSeconds(2));
        // bob→alice: no router is left to answer bob. What router b held when it stopped, and what bob
        // sent it afterwards, is gone without a word; all bob sent a second or more before had time
        // to leave router b, and must be accounted for.
        verdict.NothingLostSilentlyBefore(result.BobToAlice, stoppedWorkingAt - TimeSpan.FromSeconds(1), "up to 1 s before router b stopped working");
        verdict.Assert();
    }
}
