using System.Text.Json.Nodes;
using Hydra.Cluster;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Reliability;
using Hydra.Transport;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster;

/// <summary>One identity, cluster-wide: the newest connection wins, and a peer whose router dies is reachable again once it reconnects elsewhere.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdentityMoveTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NatsServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    /// <summary>A server that says which of two same-named processes answered.</summary>
    private static HydraServer Named(HydraMQOptions options, string who) => new(options, new Dictionary<string, HydraMethodHandler>
    {
        ["who"] = HydraHandlers.Sync(m => m.CreateReply("me", new JsonObject { ["who"] = who })),
    });

    [NatsFact]
    public async Task The_newest_connection_of_a_name_wins_and_the_older_one_gets_nothing_more()
    {
        var routers = await ClusterRouters.StartAllAsync(_nats.Url, "a", "b", "c");
        try
        {
            var (a, b, c) = (routers[0], routers[1], routers[2]);
            await using var first = Named(a.PeerOptions("carol"), "first");
            await first.StartAsync();
            await using var dave = c.StartPeer("dave");
            await dave.WaitUntilConnectedAsync();
            var answer = await ClusterRouters.RequestUntilAnsweredAsync(dave, "carol", "who");
            Assert.Equal("first", (string?)answer.Payload["who"]);

            await using var second = Named(b.PeerOptions("carol"), "second");
            await second.StartAsync();
            var moved = await Eventually.ValueAsync(async () => (string?)(await dave.RequestAsync(dave.CreateMessage("carol", "who"))).Payload["who"],
                who => who == "second", "carol's messages to reach the newer connection", TimeSpan.FromSeconds(30));
            Assert.Equal("second", moved);

            // The older connection is told, on its next message, that the name is no longer its own.
            var refusal = await Assert.ThrowsAsync<HydraRemoteException>(() => first.RequestAsync(first.CreateMessage("dave", "hello")));
            Assert.Equal(HydraErrorCode.SenderMismatch, refusal.Code);
            Assert.Contains("newer connection", refusal.Detail, StringComparison.Ordinal);
            // And nothing more reaches it: ten more requests all come from the newer one.
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("second", (string?)(await dave.RequestAsync(dave.CreateMessage("carol", "who"))).Payload["who"]);
            }
        }
        finally
        {
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }

    [NatsFact]
    public async Task Peers_of_a_killed_router_are_unreachable_within_2_s_never_unknown_and_reachable_again_on_another_router()
    {
        var cluster = ClusterRouters.NewName();
        await using var survivor = ClusterRouters.Start(_nats.Url, cluster, "survivor");
        await using var doomed = await RouterProcess.StartAsync(HydraTransport.Auto, 0, 0, "--cluster", _nats.Url, "--cluster-name", cluster, "--router-id", "doomed");
        await ClusterRouters.WaitForRoutersAsync([survivor], 2);
        await using var client = survivor.StartPeer("client", survivor.PeerOptions("client") with { NetworkTimeout = TimeSpan.FromSeconds(3) });
        await client.WaitUntilConnectedAsync();
        var onDoomed = PongServer.Create(doomed.PeerOptions("mover"));
        try
        {
            await onDoomed.StartAsync();
            await ClusterRouters.RequestUntilAnsweredAsync(client, "mover");

            var killedAt = TimeProvider.System.GetTimestamp();
            doomed.Process.Signal("KILL");
            // The request in flight is answered not_confirmed when the link times out, the next ones cluster_unavailable at once.
            var first = await FirstErrorAsync(client, "mover");
            var noticedAfter = TimeProvider.System.GetElapsedTime(killedAt);
            output.WriteLine($"{first.Code} {noticedAfter.TotalMilliseconds:0} ms after SIGKILL: {first.Detail}");
            Assert.Contains(first.Code, new[] { HydraErrorCode.NotConfirmed, HydraErrorCode.ClusterUnavailable });
            var next = await Assert.ThrowsAsync<HydraRemoteException>(() => client.RequestAsync(client.CreateMessage("mover", "ping")));
            Assert.Equal(HydraErrorCode.ClusterUnavailable, next.Code);
            Assert.Contains("router doomed", next.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await onDoomed.DisposeAsync();
        }

        // The peer comes back on the survivor: reachable again by the same name.
        await using var back = PongServer.Create(survivor.PeerOptions("mover"));
        await back.StartAsync();
        var pong = await ClusterRouters.RequestUntilAnsweredAsync(client, "mover");
        Assert.Equal("mover", pong.Sender);
        Assert.Equal((1, ClusterLinkState.Down), (survivor.ClusterStats!.Routers, survivor.ClusterStats.Links.Single().State));
    }

    /// <summary>Requests until one is refused; the wait is bounded by the link timeout (1.5 s) and the request timeout.</summary>
    private static async Task<HydraRemoteException> FirstErrorAsync(HydraMQ client, string target) =>
        (await Eventually.ValueAsync(async () =>
        {
            try
            {
                await client.RequestAsync(client.CreateMessage(target, "ping"));
                return null;
            }
            catch (HydraRemoteException e)
            {
                return e;
            }
        }, e => e is not null, $"an error for {target}", TimeSpan.FromSeconds(30)))!;
}
