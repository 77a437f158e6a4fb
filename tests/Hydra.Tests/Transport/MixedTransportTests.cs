using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Security;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Transport;

/// <summary>
/// Peers and routers on different engines: a NetMQ peer through a libzmq router and a libzmq
/// peer through a NetMQ router, in the clear and over CURVE with authorized keys (proven by
/// the challenge on NetMQ, in the handshake on libzmq). Nothing a peer does depends on the
/// router's engine.
/// </summary>
public sealed class MixedTransportTests
{
    private static readonly CurveKeyPair RouterKeys = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Alice = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Bob = CurveKeyPair.Generate();

    [Theory, MixedTransports]
    public async Task A_peer_on_the_other_engine_exchanges_messages_and_requests(HydraTransport routerTransport, HydraTransport peerTransport)
    {
        await using var router = TestRouter.Start(routerTransport);
        var methods = new Dictionary<string, HydraMethodHandler> { ["add"] = HydraHandlers.Sync(m => m.CreateReply("sum", new JsonObject { ["sum"] = (int)m.Payload["a"]! + (int)m.Payload["b"]! })) };
        await using var server = new HydraServer(router.PeerOptions("adder") with { Transport = peerTransport }, methods);
        await server.StartAsync();
        await using var client = router.StartPeer("asker", router.PeerOptions("asker") with { Transport = peerTransport });
        await client.WaitUntilConnectedAsync();
        Assert.Equal(peerTransport == HydraTransport.LibZmq, client.TransportName!.StartsWith("libzmq", StringComparison.Ordinal));

        var sum = await client.RequestAsync(client.CreateMessage("adder", "add", new JsonObject { ["a"] = 40, ["b"] = 2 }));
        Assert.Equal(42, (int)sum.Payload["sum"]!);
        Assert.Equal("pong", (await client.RequestAsync(client.CreateMessage(HydraIdentities.Router, HydraMethods.Ping))).Method);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Peers_on_both_engines_talk_to_each_other_through_the_router(HydraTransport routerTransport)
    {
        await using var router = TestRouter.Start(routerTransport);
        await using var onNetMQ = router.StartPeer("on-netmq", router.PeerOptions("on-netmq") with { Transport = HydraTransport.NetMQ });
        await using var onLibZmq = router.StartPeer("on-libzmq", router.PeerOptions("on-libzmq") with { Transport = HydraTransport.LibZmq });
        await Eventually.TrueAsync(() => onNetMQ.IsConnected && onLibZmq.IsConnected, "both connected");
        await onNetMQ.SendAsync(onNetMQ.CreateMessage("on-libzmq", "hello", new JsonObject { ["text"] = "ünïcode ✓" }));
        Assert.Equal("ünïcode ✓", (string?)(await onLibZmq.ReceiveAsync()).Payload["text"]);
        await onLibZmq.SendAsync(onLibZmq.CreateMessage("on-netmq", "hello-back"));
        Assert.Equal("hello-back", (await onNetMQ.ReceiveAsync()).Method);
    }

    [Theory, MixedTransports]
    public async Task Over_curve_with_authorized_keys_a_listed_peer_is_served(HydraTransport routerTransport, HydraTransport peerTransport)
    {
        await using var router = TestRouter.Start(routerTransport, new RouterOptions { CurveSecretKey = RouterKeys.SecretKey, AuthorizedKeys = [Alice.PublicKey, Bob.PublicKey] });
        await using var alice = router.StartPeer("alice", Encrypted(router, "alice", Alice, peerTransport));
        await using var bob = router.StartPeer("bob", Encrypted(router, "bob", Bob, routerTransport)); // bob on the router's own engine
        await alice.WaitUntilConnectedAsync();
        await bob.WaitUntilConnectedAsync();
        Assert.True(alice.IsAuthenticated);
        await alice.SendAsync(alice.CreateMessage("bob", "secret", new JsonObject { ["n"] = 7 }));
        Assert.Equal(7, (int)(await bob.ReceiveAsync()).Payload["n"]!);
        var rows = await router.GetClientsAsync();
        Assert.Equal(["alice", "bob"], rows.Select(r => r.Identity).Order());
    }

    [Theory, MixedTransports]
    public async Task Over_curve_an_unlisted_key_gets_nowhere(HydraTransport routerTransport, HydraTransport peerTransport)
    {
        await using var router = TestRouter.Start(routerTransport, new RouterOptions { CurveSecretKey = RouterKeys.SecretKey, AuthorizedKeys = [Alice.PublicKey] });
        await using var mallory = router.StartPeer("mallory", Encrypted(router, "mallory", CurveKeyPair.Generate(), peerTransport) with { NetworkTimeout = TimeSpan.FromMilliseconds(500) });
        // A NetMQ peer cannot tell a key refused in the handshake from a wrong server key: it times out.
        var error = await Assert.ThrowsAnyAsync<HydraException>(() => mallory.SendAsync(mallory.CreateMessage("alice", "hello")));
        Assert.True(error is HydraTimeoutException || error.Code == HydraErrorCode.Unauthorized, error.ToString());
        Assert.False(mallory.IsConnected);
        Assert.Empty(await router.GetClientsAsync());
    }

    private static HydraMQOptions Encrypted(RouterEngine router, string identity, CurveKeyPair keys, HydraTransport transport) =>
        router.PeerOptions(identity) with { CurveServerKey = RouterKeys.PublicKey, CurveSecretKey = keys.SecretKey, Transport = transport };
}
