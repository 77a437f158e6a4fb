using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>
/// The cluster rules on the in-memory transport and an in-memory fake of the federation seam:
/// what peers on two routers see, fast and without NATS (the real thing: tests/Hydra.Tests/Cluster).
/// </summary>
public sealed class ClusterRulesTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new();
    private readonly FakeFederation _eastLink;
    private readonly RulesHarness _east;
    private readonly RulesHarness _west;

    public ClusterRulesTests()
    {
        _eastLink = _cluster.Join("east");
        _east = new RulesHarness(new RouterOptions { HighWatermark = 3 }, federation: _eastLink);
        _west = new RulesHarness(new RouterOptions { HighWatermark = 3 }, federation: _cluster.Join("west"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _east.DisposeAsync();
        await _west.DisposeAsync();
    }

    /// <summary>Connects and pings, so the router has seen (and claimed) the identity before the test goes on.</summary>
    private static Hydra.Transport.InMemory.InMemoryConnection Joined(RulesHarness router, string identity, int capacity = 10_000)
    {
        var connection = router.Connect(identity, capacity: capacity);
        connection.SendJson(Message(identity, "HydraRouter", "ping"));
        Assert.Equal("pong", (string?)connection.ReceiveJson()["method"]);
        return connection;
    }

    [Fact]
    public void A_message_for_a_peer_on_another_router_arrives_there_byte_for_byte()
    {
        using var bob = Joined(_west, "bob");
        using var alice = Joined(_east, "alice");
        var sent = Encoding.UTF8.GetBytes(Message("alice", "bob", "hello", ""","extra":[1,2]"""));
        alice.Send(sent);
        Assert.Equal(sent, Assert.Single(bob.Receive()));
    }

    [Fact]
    public void A_target_on_no_router_is_unknown_target_with_the_message_s_id()
    {
        using var alice = Joined(_east, "alice");
        alice.SendJson(Message("alice", "nobody", "hello", ""","id":"a1" """));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "unknown_target");
        Assert.Equal("a1", (string?)refusal["reply_to"]);
    }

    [Fact]
    public void Without_the_cluster_other_routers_peers_are_cluster_unavailable_and_local_peers_still_meet()
    {
        using var bob = Joined(_west, "bob");
        using var carol = Joined(_east, "carol");
        using var alice = Joined(_east, "alice");
        _eastLink.Available = false;
        alice.SendJson(Message("alice", "bob", "hello", ""","id":"a2" """));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "cluster_unavailable");
        Assert.Equal("a2", (string?)refusal["reply_to"]);
        alice.SendJson(Message("alice", "carol", "hello"));
        Assert.Equal("hello", (string?)carol.ReceiveJson()["method"]);
    }

    [Fact]
    public void A_newer_connection_on_another_router_takes_the_name_and_the_older_one_is_refused()
    {
        using var old = Joined(_east, "carol");
        using var newer = Joined(_west, "carol");
        using var alice = Joined(_east, "alice");
        alice.SendJson(Message("alice", "carol", "hello"));
        Assert.Equal("hello", (string?)newer.ReceiveJson()["method"]);
        old.SendJson(Message("carol", "HydraRouter", "ping", ""","id":"c1" """));
        var refusal = old.ReceiveJson(); // nothing else reached it: the refusal is the next thing it gets
        JsonAssert.IsError(refusal, "sender_mismatch");
        Assert.Equal("c1", (string?)refusal["reply_to"]);
    }

    [Fact]
    public void A_full_queue_on_the_target_s_router_answers_busy_to_the_sender_on_its_own()
    {
        using var slow = Joined(_west, "slow", capacity: 1); // its pong was read: one message fits
        using var alice = Joined(_east, "alice");
        alice.SendJson(Message("alice", "slow", "first"));
        alice.SendJson(Message("alice", "slow", "second", ""","id":"m2" """));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "busy");
        Assert.Equal("m2", (string?)refusal["reply_to"]);
        Assert.Equal("first", (string?)JsonNode.Parse(Assert.Single(slow.Receive()))!["method"]);
    }

    [Fact]
    public async Task The_cluster_s_table_has_every_router_s_peers_with_their_router()
    {
        using var bob = Joined(_west, "bob");
        using var alice = Joined(_east, "alice");
        var rows = await _east.Router.GetClusterClientsAsync();
        Assert.Equal([("alice", "east"), ("bob", "west")], rows.Select(r => (r.Identity, r.Router)));
    }
}
