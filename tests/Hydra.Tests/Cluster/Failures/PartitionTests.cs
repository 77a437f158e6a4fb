using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>
/// Issue 16, "Done when" 1–3, on a real network: nats-server, router a and router b each in a
/// network namespace; router b is cut off from the others for 8 s under traffic both ways.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Cut = TimeSpan.FromSeconds(8);

    [NetLabFact]
    public Task A_router_whose_link_goes_down_for_8_s_loses_nothing_silently_says_so_within_2_s_and_is_steady_5_s_after() =>
        PartitionAsync(CutKind.LinkDown);

    [NetLabFact]
    public Task A_router_cut_off_silently_for_8_s_loses_nothing_silently_says_so_within_2_s_and_is_steady_5_s_after() =>
        PartitionAsync(CutKind.SilentDrop);

    private async Task PartitionAsync(CutKind how)
    {
        await using var lab = await NetworkLab.CreateAsync("nats", "a", "b");
        await using var nats = await LabNats.StartAsync(lab["nats"]);
        await using var rig = await TrafficRig.StartAsync(nats.Url, lab["a"], lab["b"]);
        var startedAt = await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        var cutBegan = DateTimeOffset.UtcNow;
        var cutAt = lab.CutOff("b", how);
        await TrafficRig.RunForAsync(Cut);
        var healedAt = lab.Heal("b");
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(7));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, $"router b cut off from NATS and router a for {Cut.TotalSeconds:0} s ({how})", result);
        verdict.Note($"traffic started, then cut after {Verdict.Ms(cutAt - startedAt)} (its commands took {Verdict.Ms(cutAt - cutBegan)}), healed after {Verdict.Ms(healedAt - startedAt)}");
        foreach (var pair in result.Pairs)
        {
            verdict.NothingLostSilentlyTwiceOrOutOfOrder(pair);
            verdict.NeverUnknownTarget(pair);
            // Each router has to notice that it cannot reach the other, and say so to its peer.
            verdict.AnsweredWithin(pair, "the cut", cutAt, TimeSpan.FromSeconds(2));
            verdict.SteadyWithin(pair, "the heal", healedAt, TimeSpan.FromSeconds(5));
        }
        verdict.Assert();
    }
}
