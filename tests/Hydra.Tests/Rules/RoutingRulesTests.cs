using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>The routing rules on the in-memory transport: what a peer sees, without sockets.</summary>
public sealed class RoutingRulesTests : IAsyncLifetime
{
    private readonly RulesHarness _harness = new(new RouterOptions { HighWatermark = 3 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void Ping_is_answered_with_pong_carrying_its_id()
    {
        using var alice = _harness.Connect("alice");
        alice.SendJson(Message("alice", "HydraRouter", "ping", ""","id":"p1" """));
        var pong = alice.ReceiveJson();
        Assert.Equal(("HydraRouter", "alice", "pong", "p1"), ((string?)pong["sender"], (string?)pong["target"], (string?)pong["method"], (string?)pong["reply_to"]));
    }

    [Fact]
    public void A_message_reaches_its_target_byte_for_byte()
    {
        using var bob = _harness.Connect("bob");
        bob.SendJson(Message("bob", "HydraRouter", "ping"));
        bob.Receive();
        using var alice = _harness.Connect("alice");
        var sent = Encoding.UTF8.GetBytes(Message("alice", "bob", "hello", ""","extra":[1,2]"""));
        alice.Send(sent);
        Assert.Equal(sent, Assert.Single(bob.Receive()));
    }

    [Fact]
    public void A_full_target_queue_answers_busy_and_the_message_is_not_delivered()
    {
        using var slow = _harness.Connect("slow", capacity: 1);
        using var alice = _harness.Connect("alice");
        alice.SendJson(Message("alice", "slow", "first"));
        alice.SendJson(Message("alice", "slow", "second", ""","id":"m2" """));
        var refusal = alice.ReceiveJson();
        JsonAssert.IsError(refusal, "busy");
        Assert.Equal("m2", (string?)refusal["reply_to"]);
        Assert.Equal("first", (string?)JsonNode.Parse(Assert.Single(slow.Receive()))!["method"]);
    }

    [Fact]
    public void The_newest_connection_with_a_name_takes_it_over()
    {
        using var old = _harness.Connect("carol");
        old.SendJson(Message("carol", "HydraRouter", "ping"));
        old.Receive();
        using var restarted = _harness.Connect("carol");
        restarted.SendJson(Message("carol", "HydraRouter", "ping", ""","id":"again" """));
        Assert.Equal("again", (string?)restarted.ReceiveJson()["reply_to"]);
        using var alice = _harness.Connect("alice");
        alice.SendJson(Message("alice", "carol", "hello"));
        Assert.Equal("hello", (string?)restarted.ReceiveJson()["method"]);
        // Ordering barrier: a ping sent after the hello is answered after it, so had the old
        // connection been sent the hello, it would be in its queue by now.
        old.SendJson(Message("carol", "HydraRouter", "ping"));
        Assert.Throws<TimeoutException>(() => old.Receive(TimeSpan.Zero));
    }

    [Fact]
    public void A_peer_that_frames_with_a_delimiter_is_answered_and_sent_to_with_one()
    {
        using var legacy = _harness.Connect("legacy");
        legacy.Send([], Encoding.UTF8.GetBytes(Message("legacy", "HydraRouter", "heartbeat")));
        var reply = legacy.Receive();
        Assert.Equal(2, reply.Length);
        Assert.Empty(reply[0]);
        Assert.Equal("heartbeat_reply", (string?)JsonNode.Parse(reply[1])!["method"]);

        using var alice = _harness.Connect("alice");
        alice.SendJson(Message("alice", "legacy", "hello"));
        var forwarded = legacy.Receive();
        Assert.Equal(2, forwarded.Length);
        Assert.Equal("hello", (string?)JsonNode.Parse(forwarded[1])!["method"]);
    }

    [Fact]
    public async Task A_closed_connection_shows_as_disconnected_until_heard_from_again()
    {
        var bob = _harness.Connect("bob");
        bob.SendJson(Message("bob", "HydraRouter", "ping"));
        bob.Receive();
        bob.Dispose();
        var row = await Eventually.ValueAsync(() => _harness.Router.GetClientsAsync(), rows => rows.Single().Connected == false, "bob shown as disconnected");
        Assert.Equal("bob", row.Single().Identity);
    }

    [Fact]
    public void The_heartbeat_port_answers_heartbeats_and_refuses_anything_else()
    {
        using var beat = _harness.Connect("beat", PortKind.Heartbeat);
        beat.SendJson(Message("beat", "HydraRouter", "heartbeat", ""","id":"h1" """));
        var reply = beat.ReceiveJson();
        Assert.Equal(("heartbeat_reply", "h1"), ((string?)reply["method"], (string?)reply["reply_to"]));
        beat.SendJson(Message("beat", "bob", "hello"));
        JsonAssert.IsError(beat.ReceiveJson(), "bad_message");
    }
}
