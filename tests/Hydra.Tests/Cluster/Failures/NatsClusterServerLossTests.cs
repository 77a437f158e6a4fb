using Hydra.Tests.Cluster.Lab;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Failures;

/// <summary>Issue 16, "Done when" 1: a three-server NATS cluster loses the server router b is on, under traffic both ways.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NatsClusterServerLossTests(ITestOutputHelper output)
{
    [NatsPythonFact]
    public async Task Losing_one_NATS_server_of_three_under_load_loses_nothing_silently_and_never_calls_a_connected_peer_unknown()
    {
        await using var nats = await NatsCluster.StartAsync();
        await using var rig = await TrafficRig.StartAsync(nats.Urls, Place.Loopback, Place.Loopback);
        await rig.StartTrafficAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(5));
        // The server router b is connected to, seen from the outside: its TCP connections.
        var serverOfB = nats.Servers.Single(s => Connections.RemotePortsOf(rig.B.Process.Id).Contains(s.Port));
        var aWasThere = Connections.RemotePortsOf(rig.A.Process.Id).Contains(serverOfB.Port);
        var killedAt = DateTimeOffset.UtcNow;
        await serverOfB.KillAsync();
        await TrafficRig.RunForAsync(TimeSpan.FromSeconds(10));
        var result = await rig.StopAsync();

        var verdict = new Verdict(output, $"NATS server {serverOfB.Name} of 3 killed (SIGKILL): router b's{(aWasThere ? " and router a's" : "; router a was on another")}", result);
        foreach (var pair in result.Pairs)
        {
            verdict.NothingLostSilentlyTwiceOrOutOfOrder(pair);
            verdict.NeverUnknownTarget(pair);
            verdict.Note($"{pair.Name}: first error {Verdict.Ms(pair.FirstErrorAfter(killedAt))} after the kill, steady {Verdict.Ms(pair.SteadyAfter(killedAt))} after it");
        }
        verdict.Assert();
    }
}
