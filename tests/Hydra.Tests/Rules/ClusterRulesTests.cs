using System.Text;
using System.Text.Json.Nodes;
using Hydra.Cluster;
using Hydra.Cluster.InMemory;
using Hydra.Routing;
using Hydra.Testing;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>
/// The cluster rules on the in-memory transport and the in-memory cluster (the same state machine
/// as over NATS, with memory in place of NATS, on fake clocks): what peers on two routers see, fast
/// and without NATS. The real thing: tests/Hydra.Tests/Cluster.
/// </summary>
public sealed class ClusterRulesTests : IAsyncLifetime
{
    private readonly InMemoryCluster _cluster = new();
    private readonly ClusterOptions _defaults;
    private readonly RulesHarness _east;
    private readonly RulesHarness _west;
    private InMemoryFederation? _eastLink;
    private InMemoryFederation? _westLink;

    public ClusterRulesTests()
    {
        _defaults = _cluster.Options("defaults");
        var options = new RouterOptions { HighWatermark = 3 };
        _east = new RulesHarness(options, federation: clock => _eastLink = _cluster.Join(_cluster.Options("east"), clock));
        _west = new RulesHarness(options, federation: clock => _westLink = _cluster.Join(_cluster.Options("west"), clock));
    }

    private InMemoryFederation EastLink => _eastLink!;

    private InMemoryFederation WestLink => _westLink!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _east.DisposeAsync();
        await _west.DisposeAsync();
    }

    /// <summary>Connects and pings, so the router has seen (and claimed) the identity; then waits until every router knows who holds it.</summary>
    private async Task<Hydra.Transport.InMemory.InMemoryConnection> JoinedAsync(RulesHarness router, string identity, int capacity = 10_000)
    {
        var connection = router.Connect(identity, capacity: capacity);
        connection.SendJson(Message(identity, "HydraRouter", "ping"));
        Assert.Equal("pong", (string?)connection.ReceiveJson()["method"]);
        foreach (var link in new[] { EastLink, WestLink })
        {
            await Eventually.ValueAsync(() => link.HolderAsync(identity), holder => holder is not null, $"router {link.RouterId} to know {identity}");
        }
        return connection;
    }

    /// <summary>Moves the routers' clock past the link timeout: each has heard every router up, so a name it does not know is held nowhere.</summary>
    private async Task SettleAsync()
    {
        for (var elapsed = TimeSpan.Zero; elapsed <= 2 * _defaults.PresenceInterval; elapsed += _defaults.TickInterval)
        {
            await Task.WhenAll(EastLink.QuiesceAsync(), WestLink.QuiesceAsync());
            await _east.AdvanceAsync(_defaults.TickInterval); // both routers' clocks, tick by tick: they keep hearing each other
            await _west.AdvanceAsync(_defaults.TickInterval);
        }
    }

    [Fact]
    public async Task A_message_for_a_peer_on_another_router_arrives_there_byte_for_byte()
    {
        using var bob = await JoinedAsync(_west, "bob");
        using var alice = await JoinedAsync(_east, "alice");
        var sent = Encoding.UTF8.GetBytes(Message("alice", "bob", "hello", ""","extra":[1,2]"""));
        alice.Send(sent);
        Assert.Equal(sent, Assert.Single(bob.Receive()));
    }

    [Fact]
    public async Task A_target_on_no_router_is_unknown_target_with_the_message_s_id()
    {
        using var alice = await JoinedAsync(_east, "alice");
        await SettleAsync();
        alice.SendJson(Message("alice", "nobody", "hello", ""","id":"a1" """));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "unknown_target");
        Assert.Equal("a1", (string?)refusal["reply_to"]);
    }

    [Fact]
    public async Task Without_NATS_a_message_for_another_router_waits_the_link_timeout_then_is_cluster_unavailable_and_local_peers_still_meet()
    {
        using var bob = await JoinedAsync(_west, "bob");
        using var carol = await JoinedAsync(_east, "carol");
        using var alice = await JoinedAsync(_east, "alice");
        EastLink.Available = false;
        alice.SendJson(Message("alice", "bob", "hello", ""","id":"a2" """));
        alice.SendJson(Message("alice", "carol", "hello"));
        Assert.Equal("hello", (string?)carol.ReceiveJson()["method"]);
        await _east.AdvanceAsync(_defaults.LinkTimeout + TimeSpan.FromMilliseconds(100));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "cluster_unavailable"); // kept while NATS might come back; never sent
        Assert.Equal("a2", (string?)refusal["reply_to"]);
        alice.SendJson(Message("alice", "bob", "hello", ""","id":"a3" """));
        JsonAssert.IsError(alice.ReceiveJson(), "cluster_unavailable"); // now at once
    }

    [Fact]
    public async Task A_message_sent_while_NATS_is_away_for_less_than_the_link_timeout_arrives_when_it_is_back()
    {
        using var bob = await JoinedAsync(_west, "bob");
        using var alice = await JoinedAsync(_east, "alice");
        EastLink.Available = false;
        alice.SendJson(Message("alice", "bob", "patient"));
        await EastLink.QuiesceAsync();
        await _east.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        EastLink.Available = true;
        Assert.Equal("patient", (string?)bob.ReceiveJson()["method"]);
        Assert.Equal(0, _east.Router.ClusterStats!.NotConfirmed);
    }

    [Fact]
    public async Task A_router_that_falls_silent_is_unreachable_its_unconfirmed_messages_are_answered_and_its_peers_are_never_unknown()
    {
        using var bob = await JoinedAsync(_west, "bob");
        using var alice = await JoinedAsync(_east, "alice");
        WestLink.Available = false; // west hears and says nothing more, but east does not know yet
        alice.SendJson(Message("alice", "bob", "lost", ""","id":"u1" """));
        await EastLink.QuiesceAsync(); // sent, into the void
        await _east.AdvanceAsync(_defaults.LinkTimeout + TimeSpan.FromMilliseconds(100));

        var unconfirmed = alice.ReceiveJson();
        JsonAssert.IsError(unconfirmed, "not_confirmed");
        Assert.Equal("u1", (string?)unconfirmed["reply_to"]);
        alice.SendJson(Message("alice", "bob", "later", ""","id":"u2" """));
        var refusal = alice.ReceiveJson(); // at once, and not unknown_target: bob is still held, on a router out of reach
        JsonAssert.IsError(refusal, "cluster_unavailable");
        Assert.Equal("u2", (string?)refusal["reply_to"]);
        Assert.Contains("router west", (string?)refusal["payload"]!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_silent_router_is_back_messages_flow_again()
    {
        using var bob = await JoinedAsync(_west, "bob");
        using var alice = await JoinedAsync(_east, "alice");
        WestLink.Available = false;
        await EastLink.QuiesceAsync();
        await _east.AdvanceAsync(_defaults.LinkTimeout + TimeSpan.FromMilliseconds(100));
        WestLink.Available = true;
        await Eventually.ValueAsync(async () =>
        {
            await _east.AdvanceAsync(_defaults.TickInterval); // west's presence comes on its ticks, the stats on east's
            await _west.AdvanceAsync(_defaults.TickInterval);
            return IsUp(_east, "west") && IsUp(_west, "east");
        }, up => up, "the link up again, both ways");
        alice.SendJson(Message("alice", "bob", "again"));
        Assert.Equal("again", (string?)bob.ReceiveJson()["method"]);
    }

    private static bool IsUp(RulesHarness router, string other) =>
        router.Router.ClusterStats!.Links.Any(link => link.Router == other && link.State == ClusterLinkState.Up);

    [Fact]
    public async Task A_newer_connection_on_another_router_takes_the_name_and_the_older_one_is_refused()
    {
        using var old = await JoinedAsync(_east, "carol");
        using var newer = _west.Connect("carol");
        newer.SendJson(Message("carol", "HydraRouter", "ping"));
        Assert.Equal("pong", (string?)newer.ReceiveJson()["method"]);
        using var alice = await JoinedAsync(_east, "alice");
        await Eventually.ValueAsync(() => EastLink.HolderAsync("carol"), router => router == "west", "east to hear that carol moved to west");
        alice.SendJson(Message("alice", "carol", "hello"));
        Assert.Equal("hello", (string?)newer.ReceiveJson()["method"]);
        old.SendJson(Message("carol", "HydraRouter", "ping", ""","id":"c1" """));
        var refusal = old.ReceiveJson(); // nothing else reached it: the refusal is the next thing it gets
        JsonAssert.IsError(refusal, "sender_mismatch");
        Assert.Equal("c1", (string?)refusal["reply_to"]);
    }

    [Fact]
    public async Task A_full_queue_on_the_target_s_router_answers_busy_to_the_sender_on_its_own()
    {
        using var slow = await JoinedAsync(_west, "slow", capacity: 1); // its pong was read: one message fits
        using var alice = await JoinedAsync(_east, "alice");
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
        using var bob = await JoinedAsync(_west, "bob");
        using var alice = await JoinedAsync(_east, "alice");
        await _east.AdvanceAsync(_defaults.TickInterval); // the stats that name the routers up are taken on a tick
        var rows = await _east.Router.GetClusterClientsAsync();
        Assert.Equal([("alice", "east"), ("bob", "west")], rows.Select(r => (r.Identity, r.Router)));
    }
}
