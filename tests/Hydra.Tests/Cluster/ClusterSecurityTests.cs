using System.Text.Json.Nodes;
using Hydra.Cluster;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Security;
using Hydra.Testing;

namespace Hydra.Tests.Cluster;

/// <summary>Authorized keys across a cluster: a proven identity is bound to its key on every router.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSecurityTests : IAsyncLifetime
{
    private static readonly CurveKeyPair RouterKeys = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Alice = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Mallory = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Bob = CurveKeyPair.Generate();

    private NatsServer _nats = null!;
    private RouterEngine[] _routers = [];

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        // Every key is authorized: the point is that a listed key still cannot take a name bound to another.
        var secured = new RouterOptions { CurveSecretKey = RouterKeys.SecretKey, AuthorizedKeys = [Alice.PublicKey, Mallory.PublicKey, Bob.PublicKey] };
        _routers = [ClusterRouters.Start(_nats.Url, cluster, "a", secured), ClusterRouters.Start(_nats.Url, cluster, "b", secured)];
        await ClusterRouters.WaitForRoutersAsync(_routers, 2);
    }

    public async Task DisposeAsync()
    {
        await ClusterRouters.DisposeAllAsync(_routers);
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    private static HydraMQOptions Keyed(RouterEngine router, string identity, CurveKeyPair keys) => router.PeerOptions(identity) with
    {
        CurveServerKey = RouterKeys.PublicKey,
        CurveSecretKey = keys.SecretKey,
    };

    [NatsFact]
    public async Task Another_key_cannot_take_a_proven_name_on_another_router()
    {
        var (a, b) = (_routers[0], _routers[1]);
        await using var alice = new HydraServer(Keyed(a, "alice", Alice), new Dictionary<string, HydraMethodHandler>
        {
            ["who"] = HydraHandlers.Sync(m => m.CreateReply("me", new JsonObject { ["key"] = Alice.PublicKey })),
        });
        await alice.StartAsync();
        await ClusterRouters.WaitForClientAsync(b, "alice", "a");

        // Refused at its first heartbeat; the long timeout only matters on a starved machine (2 s was seen to run out once).
        await using var impostor = new HydraMQ(Keyed(b, "alice", Mallory) with { NetworkTimeout = TimeSpan.FromSeconds(10) });
        await impostor.StartAsync();
        var refused = await Assert.ThrowsAnyAsync<HydraException>(() => impostor.WaitUntilConnectedAsync());
        // Normally refused in words. In about 1 of 10 runs of the cluster tests side by side, the
        // impostor instead hears nothing for 10 s: the likeliest reading (not proven) is libzmq
        // leaving a redialled connection under a routing id still on record unread (RELIABILITY.md,
        // Transports). Either way it never gets the name, which is what the rest of the test checks.
        Assert.True(refused.Message.Contains("another key", StringComparison.Ordinal) || refused is HydraTimeoutException, refused.Message);
        Assert.False(impostor.IsConnected);

        // Messages for alice still reach the one that proved Alice's key.
        await using var bob = new HydraMQ(Keyed(b, "bob", Bob));
        await bob.StartAsync();
        await bob.WaitUntilConnectedAsync();
        var answer = await ClusterRouters.RequestUntilAnsweredAsync(bob, "alice", "who");
        Assert.Equal(Alice.PublicKey, (string?)answer.Payload["key"]);
        Assert.DoesNotContain(await a.GetClusterClientsAsync(), row => row.Identity == "alice" && row.Router == "b");
    }
}
