using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>Issue 16, "Done when" 1: router b is killed (SIGKILL) under traffic both ways.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RouterCrashTests(ITestOutputHelper output)
{
    [NatsPythonFact]
    public async Task A_router_killed_under_load_loses_nothing_silently_that_was_sent_to_its_peers()
    {
        await using var nats = await LabNats.StartAsync(Place.Loopback);
        await using var rig = await TrafficRig.StartAsync(nats.Url, Place.Loopback, Place.Loopback);
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        var killedAt = await rig.B.KillAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(8));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, "router b killed (SIGKILL); bob stays, without a router", result);
        // alice→bob: every frame router a took for bob is delivered or answered, also those on their way at the kill.
        verdict.NothingLostSilentlyTwiceOrOutOfOrder(result.AliceToBob);
        verdict.AnsweredWithin(result.AliceToBob, "the kill", killedAt, TimeSpan.FromSeconds(2));
        // bob→alice: no router is left to answer bob. What router b held when it died, and what bob
        // sent it afterwards, is gone without a word; all bob sent a second or more before the kill
        // had time to leave router b, and must be accounted for.
        verdict.NothingLostSilentlyBefore(result.BobToAlice, killedAt - TimeSpan.FromSeconds(1), "1 s before the kill");
        verdict.Assert();
    }
}
