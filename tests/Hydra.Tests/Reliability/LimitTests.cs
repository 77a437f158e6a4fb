using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Reliability;

/// <summary>The router's three limits, over real sockets, as a user meets them.</summary>
public class LimitTests
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_frame_announced_over_the_size_limit_closes_the_connection_before_its_body_arrives(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var probe = new ZmtpProbe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await probe.ConnectAsDealerAsync(router.Port, timeout.Token);
        await probe.AnnounceFrameAsync(1L << 40, timeout.Token); // a terabyte, never sent

        Assert.True(await probe.ClosedByPeerAsync(TimeSpan.FromSeconds(10)), "the router must drop the connection on the header alone");
        await using var client = new HydraClient(router.PeerOptions());
        await client.StartAsync();
        Assert.Equal("pong", (await client.PingAsync()).Reply.Method);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_probe_within_the_limit_is_not_dropped(HydraTransport transport)
    {
        // The control for the test above: the same probe announcing a small frame keeps its connection.
        await using var router = TestRouter.Start(transport);
        using var probe = new ZmtpProbe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await probe.ConnectAsDealerAsync(router.Port, timeout.Token);
        await probe.AnnounceFrameAsync(64 * 1024, timeout.Token);
        Assert.False(await probe.ClosedByPeerAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Message_size_limit_is_configurable_on_both_ends(HydraTransport transport)
    {
        const int limit = 64 * 1024;
        await using var router = TestRouter.Start(transport, new RouterOptions { MaxMessageSize = limit });
        await using var bob = new HydraMQ(router.PeerOptions("bob") with { MaxMessageSize = limit });
        await bob.StartAsync();
        await using var alice = new HydraMQ(router.PeerOptions("alice") with { MaxMessageSize = limit });
        await alice.StartAsync();
        await Eventually.TrueAsync(() => alice.IsConnected && bob.IsConnected, "both connected");

        await alice.SendAsync(alice.CreateMessage("bob", "fits", new JsonObject { ["data"] = new string('x', limit - 200) }));
        Assert.Equal("fits", (await bob.ReceiveAsync()).Method);
        var refused = await Assert.ThrowsAsync<HydraException>(() =>
            alice.SendAsync(alice.CreateMessage("bob", "too_big", new JsonObject { ["data"] = new string('x', limit) })));
        Assert.Equal(HydraErrorCode.TooLarge, refused.Code);
        Assert.Contains($"the limit is {limit}", refused.Message);

        // A peer that ignores the limit is told so; past the read bound it loses its connection, not the router; others go on.
        using var rogue = new RawPeer(router, "rogue");
        rogue.Send(new byte[limit + 1]);
        JsonAssert.IsError(rogue.Receive(), "too_large");
        rogue.Send(new byte[router.Options.MaxFrameRead + 1]);
        rogue.AskUntilAnswered("""{"sender":"rogue","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1}""", "pong"); // not answered, only dropped
        await alice.SendAsync(alice.CreateMessage("bob", "still_routing"));
        Assert.Equal("still_routing", (await bob.ReceiveAsync()).Method);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task An_overlong_identity_gets_a_clear_error_at_the_peer(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var peer = router.StartPeer(new string('n', 129));
        var error = await Assert.ThrowsAsync<HydraRemoteException>(() => peer.RequestAsync(peer.CreateMessage("HydraRouter", "ping")));
        Assert.Equal(HydraErrorCode.BadMessage, error.Code);
        Assert.Contains("identity is 129 bytes; the limit is 128", error.Detail);
        Assert.False(peer.IsConnected, "its heartbeats are refused too");
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Past_the_client_bound_newcomers_get_busy_until_a_slot_frees_up(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport, new RouterOptions { MaxClients = 3, PruneAfter = TimeSpan.FromSeconds(1) });
        var members = new List<HydraClient>();
        for (var i = 0; i < 3; i++)
        {
            var member = new HydraClient(router.PeerOptions($"member-{i}"));
            await member.StartAsync();
            members.Add(member);
        }
        await using var newcomer = new HydraClient(router.PeerOptions("newcomer"));
        try
        {
            await Eventually.TrueAsync(() => members.All(m => m.IsConnected), "three members connected");
            await newcomer.StartAsync();
            var busy = await Assert.ThrowsAsync<HydraRemoteException>(() => newcomer.PingAsync());
            Assert.Equal(HydraErrorCode.Busy, busy.Code);
            Assert.Contains("limit of 3 clients", busy.Detail);
            Assert.False(newcomer.IsConnected);
            foreach (var member in members)
            {
                Assert.Equal("pong", (await member.PingAsync()).Reply.Method); // members are not disturbed
            }

            // One member leaves; once it is pruned the newcomer gets its slot (its heartbeats keep asking).
            await members[0].DisposeAsync();
            await Eventually.TrueAsync(() => newcomer.IsConnected, "the newcomer admitted after the prune");
            Assert.Equal("pong", (await newcomer.PingAsync()).Reply.Method);
            Assert.True(router.Stats.Errors[HydraErrorCode.Busy] >= 1);
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }
}
