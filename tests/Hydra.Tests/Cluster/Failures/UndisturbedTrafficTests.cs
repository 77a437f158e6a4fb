using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>
/// The control runs for the failure scenarios: the same traffic with nothing done to it is delivered
/// exactly once, in order, with no error at all. If these fail, the harness or the cluster loses
/// messages on its own, and the failure scenarios prove nothing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UndisturbedTrafficTests(ITestOutputHelper output)
{
    [NatsPythonFact]
    public async Task Undisturbed_traffic_both_ways_on_loopback_arrives_once_in_order_without_errors()
    {
        await using var nats = await LabNats.StartAsync(Place.Loopback);
        await using var rig = await TrafficRig.StartAsync(nats.Url, Place.Loopback, Place.Loopback);
        await CheckAsync(rig, "undisturbed, on loopback");
    }

    [NetLabFact]
    public async Task Undisturbed_traffic_both_ways_across_network_namespaces_arrives_once_in_order_without_errors()
    {
        await using var lab = await NetworkLab.CreateAsync("nats", "a", "b");
        await using var nats = await LabNats.StartAsync(lab["nats"]);
        await using var rig = await TrafficRig.StartAsync(nats.Url, lab["a"], lab["b"]);
        await CheckAsync(rig, "undisturbed, across network namespaces");
    }

    private async Task CheckAsync(TrafficRig rig, string scenario)
    {
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(10));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, scenario, result);
        foreach (var pair in result.Pairs)
        {
            verdict.NothingLostSilentlyTwiceOrOutOfOrder(pair);
            verdict.NoErrors(pair);
            // Or the scenarios would not load the cluster as they say they do.
            verdict.SenderKeptItsRate(pair);
        }
        verdict.Assert();
    }
}
