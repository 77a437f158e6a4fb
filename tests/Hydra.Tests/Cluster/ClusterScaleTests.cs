using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Reliability;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster;

/// <summary>1,000 peers spread over three routers: each router's <c>clients</c> shows all of them, and random messages between them all arrive exactly once.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterScaleTests(ITestOutputHelper output)
{
    private const int PeersPerRouter = 334;
    private const int MessagesPerPeer = 5;

    [NatsFact]
    public async Task A_thousand_peers_on_three_routers_see_each_other_and_every_message_arrives_once()
    {
        await using var nats = await NatsServer.StartAsync();
        var routers = await ClusterRouters.StartAllAsync(nats.Url, "a", "b", "c");
        var ledger = new MessageLedger();
        var swarms = routers.Select((router, i) => new PeerSwarm(i == 2 ? 1_000 - (2 * PeersPerRouter) : PeersPerRouter, router.Port, router.HeartbeatPort,
            TimeSpan.FromSeconds(1), ledger, prefix: $"r{i}")).ToList();
        try
        {
            var everyone = swarms.SelectMany(s => s.Identities).ToList();
            Assert.Equal(1_000, everyone.Count);
            foreach (var router in routers)
            {
                var rows = await Eventually.ValueAsync(() => router.GetClusterClientsAsync(),
                    rows => everyone.All(new HashSet<string>(rows.Select(r => r.Identity)).Contains),
                    $"all 1,000 peers in the table of router {router.ClusterStats!.RouterId}", TimeSpan.FromSeconds(90));
                // Each peer once, on the router it is connected to.
                Assert.All(everyone, id => Assert.Single(rows, r => r.Identity == id));
                Assert.All(rows, r => Assert.Equal($"{"abc"[int.Parse(r.Identity[1..2], System.Globalization.CultureInfo.InvariantCulture)]}", r.Router));
            }

            var random = new Random(10);
            foreach (var swarm in swarms)
            {
                swarm.SendRandom(MessagesPerPeer, everyone, random);
            }
            await Eventually.TrueAsync(() => ledger.SentCount == 1_000 * MessagesPerPeer && ledger.ReceivedCount == ledger.SentCount,
                $"all {1_000 * MessagesPerPeer} messages delivered", TimeSpan.FromSeconds(90));
            Assert.Empty(ledger.Wrong);
            Assert.Empty(ledger.Missing);
            Assert.Empty(swarms.SelectMany(s => s.Errors));
            var crossed = routers.Sum(r => r.ClusterStats!.SentToRouters);
            output.WriteLine($"{ledger.ReceivedCount} delivered, {crossed} of them across routers");
            Assert.True(crossed > ledger.SentCount / 2, "most random pairs are on different routers");
        }
        finally
        {
            foreach (var swarm in swarms)
            {
                swarm.Dispose();
            }
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }
}
