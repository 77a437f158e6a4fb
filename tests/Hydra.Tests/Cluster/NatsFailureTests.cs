using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster;

/// <summary>When NATS goes away: a router keeps routing its own peers, refuses cross-router sends with cluster_unavailable, and rejoins by itself.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NatsFailureTests(ITestOutputHelper output)
{
    [NatsTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_NATS_a_router_routes_its_own_peers_refuses_the_rest_and_rejoins_when_NATS_is_back(bool overNatsNet)
    {
        await using var nats = await NatsServer.StartAsync();
        var routers = await ClusterRouters.StartAllAsync(nats.Url, overNatsNet ? ClusterRouters.OverNatsNet : null, "a", "b");
        try
        {
            var (a, b) = (routers[0], routers[1]);
            await using var farServer = PongServer.Create(b.PeerOptions("far"));
            await farServer.StartAsync();
            await using var nearServer = PongServer.Create(a.PeerOptions("near"));
            await nearServer.StartAsync();
            await using var client = a.StartPeer("client", a.PeerOptions("client") with { NetworkTimeout = TimeSpan.FromSeconds(2) }); // asks again after 2 s
            await client.WaitUntilConnectedAsync();
            await ClusterRouters.RequestUntilAnsweredAsync(client, "far");

            var killedAt = TimeProvider.System.GetTimestamp();
            await nats.KillAsync();
            var refusal = await Eventually.ValueAsync(() => CodeOfAsync(client, "far"), code => code == HydraErrorCode.ClusterUnavailable, "cluster_unavailable", TimeSpan.FromSeconds(30));
            output.WriteLine($"cluster_unavailable {TimeProvider.System.GetElapsedTime(killedAt).TotalMilliseconds:0} ms after NATS was killed");
            Assert.False(a.ClusterStats!.Available);
            // Its own peers still reach each other.
            Assert.Equal("near", (await client.RequestAsync(client.CreateMessage("near", "ping"))).Sender);

            var restartedAt = TimeProvider.System.GetTimestamp();
            await nats.RunAsync();
            var pong = await ClusterRouters.RequestUntilAnsweredAsync(client, "far", deadline: TimeSpan.FromSeconds(30));
            output.WriteLine($"cross-router pong {TimeProvider.System.GetElapsedTime(restartedAt).TotalMilliseconds:0} ms after NATS was started again");
            Assert.Equal("far", pong.Sender);
            Assert.True(a.ClusterStats.Available);
        }
        finally
        {
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }

    [NatsFact]
    public async Task When_one_NATS_server_of_three_dies_under_traffic_the_routers_move_to_the_others_and_traffic_goes_on()
    {
        await using var nats = await NatsCluster.StartAsync();
        var routers = await ClusterRouters.StartAllAsync(nats.Urls, "a", "b");
        try
        {
            var (a, b) = (routers[0], routers[1]);
            await using var server = PongServer.Create(b.PeerOptions("far"));
            await server.StartAsync();
            await using var client = a.StartPeer("client", a.PeerOptions("client") with { NetworkTimeout = TimeSpan.FromSeconds(2) }); // asks again after 2 s
            await client.WaitUntilConnectedAsync();
            await ClusterRouters.RequestUntilAnsweredAsync(client, "far");

            // Traffic: requests one after another, across the routers, while router a's server is killed.
            using var stop = new CancellationTokenSource();
            var outcomes = new Dictionary<string, int>();
            var traffic = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var outcome = await OutcomeAsync(client, "far");
                    lock (outcomes)
                    {
                        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                    }
                }
            });
            // Deadlines are generous: on a shared machine under load one request may take a while.
            await Eventually.TrueAsync(() => Count(outcomes, "answered") >= 20, "traffic before the kill", TimeSpan.FromSeconds(60));
            var victim = nats.Servers.Single(s => a.ClusterStats!.Server == $"127.0.0.1:{s.Port}");
            var answeredBefore = Count(outcomes, "answered");
            var killedAt = TimeProvider.System.GetTimestamp();
            await victim.KillAsync();
            await Eventually.TrueAsync(() => a.ClusterStats!.Available && a.ClusterStats.Server != $"127.0.0.1:{victim.Port}", "router a on another server", TimeSpan.FromSeconds(60));
            output.WriteLine($"router a on {a.ClusterStats!.Server} {TimeProvider.System.GetElapsedTime(killedAt).TotalMilliseconds:0} ms after its server was killed");
            await Eventually.TrueAsync(() => Count(outcomes, "answered") >= answeredBefore + 100, "traffic after the kill", TimeSpan.FromSeconds(60));
            output.WriteLine($"100 more answers {TimeProvider.System.GetElapsedTime(killedAt).TotalMilliseconds:0} ms after the kill");
            await stop.CancelAsync();
            await traffic;
            output.WriteLine("outcomes: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
            // Every request was answered or refused with a reason, except those on their way through the dead server.
            Assert.True(Count(outcomes, "timeout") <= 2, $"requests lost: {Count(outcomes, "timeout")}");
        }
        finally
        {
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }

    private static int Count(Dictionary<string, int> outcomes, string what)
    {
        lock (outcomes)
        {
            return outcomes.GetValueOrDefault(what);
        }
    }

    private static async Task<HydraErrorCode?> CodeOfAsync(HydraMQ client, string target)
    {
        try
        {
            await client.RequestAsync(client.CreateMessage(target, "ping"));
            return null;
        }
        catch (HydraRemoteException e)
        {
            return e.Code;
        }
        catch (HydraTimeoutException)
        {
            return HydraErrorCode.Timeout;
        }
    }

    private static async Task<string> OutcomeAsync(HydraMQ client, string target) => await CodeOfAsync(client, target) switch
    {
        null => "answered",
        HydraErrorCode.Timeout => "timeout",
        var code => code.Value.ToWire(),
    };
}
