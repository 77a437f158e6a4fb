using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Routing;

public class RouterTests
{
    private static string Message(string sender, string target, string method, string extra = "") =>
        $$"""{"sender":"{{sender}}","target":"{{target}}","method":"{{method}}","payload":{}{{extra}},"protocol_version":1}""";

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Ping_gets_pong_that_answers_its_id(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        peer.SendJson(Message("alice", "HydraRouter", "ping", ""","id":"p1" """));
        var pong = peer.Receive();
        Assert.Equal(("HydraRouter", "alice", "pong", "p1"), ((string?)pong["sender"], (string?)pong["target"], (string?)pong["method"], (string?)pong["reply_to"]));
        Assert.Equal(1, (int?)pong["protocol_version"]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Heartbeat_on_the_heartbeat_port_gets_heartbeat_reply(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice", heartbeatPort: true);
        peer.SendJson(Message("alice", "HydraRouter", "heartbeat"));
        Assert.Equal("heartbeat_reply", (string?)peer.Receive()["method"]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Messages_are_forwarded_byte_for_byte_with_unknown_keys_kept(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var bob = new RawPeer(router, "bob");
        bob.SendJson(Message("bob", "HydraRouter", "ping"));
        bob.Receive(); // bob is connected and known
        using var alice = new RawPeer(router, "alice");
        var sent = Encoding.UTF8.GetBytes("""{"sender": "alice", "target": "bob", "method": "hello", "payload": {"n": 1}, "protocol_version": 1, "trace": "x-1"}""");
        alice.Send(sent);
        Assert.Equal(sent, bob.ReceiveRaw());
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task The_empty_delimiter_form_is_accepted_and_answered_in_the_same_form(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        // The Python 0.14 line sends ["", json] and reads the reply's second frame.
        using var peer = new RawPeer(router, "old-python");
        peer.Send([], Encoding.UTF8.GetBytes(Message("old-python", "HydraRouter", "ping")));
        var reply = peer.ReceiveFrames();
        Assert.Equal(2, reply.Count);
        Assert.Empty(reply[0]);
        Assert.Equal("pong", (string?)JsonNode.Parse(reply[1])!["method"]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Unknown_target_gets_error_reply_instead_of_silence(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        peer.SendJson(Message("alice", "nobody", "hello", ""","id":"q7" """));
        var reply = peer.Receive();
        JsonAssert.IsError(reply, "unknown_target");
        Assert.Equal("q7", (string?)reply["reply_to"]);
        Assert.Contains("nobody", (string?)reply["payload"]!["detail"]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Sender_must_be_the_connections_identity(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var bob = new RawPeer(router, "bob");
        bob.SendJson(Message("bob", "HydraRouter", "ping"));
        bob.Receive();
        using var mallory = new RawPeer(router, "mallory");
        mallory.SendJson(Message("bob", "bob", "transfer"));
        JsonAssert.IsError(mallory.Receive(), "sender_mismatch");
        // Barrier: mallory's honest message comes after the spoof, so bob's next one would be the spoof.
        mallory.SendJson(Message("mallory", "bob", "honest"));
        var next = bob.Receive();
        Assert.Equal(("mallory", "honest"), ((string?)next["sender"], (string?)next["method"]));
    }

    public static TheoryData<string, byte[][]> BadInputs => new()
    {
        { "not JSON", [Encoding.UTF8.GetBytes("{not json")] },
        { "not UTF-8", [[0x7b, 0xff, 0x7d]] },
        { "empty frame", [[]] },
        { "JSON array", [Encoding.UTF8.GetBytes("[1,2]")] },
        { "wrong version", [Encoding.UTF8.GetBytes(Message("alice", "HydraRouter", "ping").Replace("\"protocol_version\":1", "\"protocol_version\":7", StringComparison.Ordinal))] },
        { "payload array", [Encoding.UTF8.GetBytes(Message("alice", "HydraRouter", "ping").Replace("\"payload\":{}", "\"payload\":[]", StringComparison.Ordinal))] },
        { "missing method", [Encoding.UTF8.GetBytes("""{"sender":"alice","target":"HydraRouter","protocol_version":1}""")] },
        { "empty target", [Encoding.UTF8.GetBytes(Message("alice", "", "ping"))] },
        { "three frames", [[1], [2], Encoding.UTF8.GetBytes(Message("alice", "HydraRouter", "ping"))] },
        { "two non-empty frames", [[1], Encoding.UTF8.GetBytes(Message("alice", "HydraRouter", "ping"))] },
    };

    [Theory, OnNetMQ(nameof(BadInputs)), OnLibZmq(nameof(BadInputs))]
#pragma warning disable xUnit1026 // "what" names the case in the test's name
    public async Task Bad_input_gets_bad_message_and_the_router_keeps_routing(HydraTransport transport, string what, byte[][] frames)
#pragma warning restore xUnit1026
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        peer.Send(frames);
        var reply = peer.Receive();
        JsonAssert.IsError(reply, "bad_message");

        peer.SendJson(Message("alice", "HydraRouter", "ping"));
        Assert.Equal("pong", (string?)peer.Receive()["method"]);
        Assert.True(router.Stats.Errors[HydraErrorCode.BadMessage] >= 1);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Binary_identity_gets_an_error_and_shows_as_hex(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, [0x00, 0xff, 0x10]);
        peer.SendJson(Message("whoever", "HydraRouter", "ping"));
        JsonAssert.IsError(peer.Receive(), "sender_mismatch");
        using var probe = new RawPeer(router, "probe");
        probe.SendJson(Message("probe", "HydraRouter", "clients"));
        var clients = probe.Receive()["payload"]!["clients"]!.AsArray().Select(c => (string?)c!["identity"]);
        Assert.Contains("0x00ff10", clients);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Overlong_identity_is_refused_and_not_tracked(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        var longName = new string('x', 200);
        using var peer = new RawPeer(router, longName);
        peer.SendJson(Message(longName, "HydraRouter", "ping"));
        var reply = peer.Receive();
        JsonAssert.IsError(reply, "bad_message");
        Assert.Contains("limit is 128", (string?)reply["payload"]!["detail"]);
        Assert.Equal(0, router.Stats.Clients);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Oversize_frame_within_the_read_bound_is_answered_too_large(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var big = new RawPeer(router, "big");
        big.Send(new byte[2 * 1024 * 1024]); // over the 1 MiB limit, within the 4 MiB read bound
        var refused = big.Receive();
        JsonAssert.IsError(refused, "too_large");
        Assert.Equal("the message is 2097152 bytes; the limit is 1048576", (string?)refused["payload"]!["detail"]);
        Assert.Equal(1, router.Stats.Errors.GetValueOrDefault(HydraErrorCode.TooLarge));
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Frame_past_the_read_bound_never_reaches_the_router_and_others_keep_routing(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var big = new RawPeer(router, "big");
        big.Send(new byte[router.Options.MaxFrameRead + 1]);
        using var alice = new RawPeer(router, "alice");
        alice.SendJson(Message("alice", "HydraRouter", "ping"));
        Assert.Equal("pong", (string?)alice.Receive()["method"]);
        // Past the bound the frame is dropped with its connection, not answered: big's first answer is its pong.
        big.AskUntilAnswered(Message("big", "HydraRouter", "ping"), "pong");
        Assert.Equal(0, router.Stats.TotalErrors);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Heartbeat_port_refuses_anything_but_heartbeats(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice", heartbeatPort: true);
        peer.SendJson(Message("alice", "bob", "hello"));
        JsonAssert.IsError(peer.Receive(), "bad_message");
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Unknown_router_method_gets_unknown_method(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        peer.SendJson(Message("alice", "HydraRouter", "shutdown"));
        JsonAssert.IsError(peer.Receive(), "unknown_method");
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Clients_method_lists_who_is_connected_with_status(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var bob = router.StartPeer("bob");
        await Eventually.TrueAsync(() => bob.IsConnected, "bob's heartbeat reply");
        using var alice = new RawPeer(router, "alice");
        alice.SendJson(Message("alice", "HydraRouter", "clients", ""","id":"c1" """));
        var reply = alice.Receive();
        Assert.Equal("clients", (string?)reply["method"]);
        var rows = reply["payload"]!["clients"]!.AsArray().Select(c => c!.AsObject()).ToDictionary(c => (string)c["identity"]!);
        Assert.Equal("GOOD", (string?)rows["bob"]["status"]);
        Assert.True((long)rows["bob"]["messages_in"]! >= 1);
        Assert.Contains("alice", rows.Keys);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Counters_show_what_happened(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        peer.SendJson(Message("alice", "HydraRouter", "ping"));
        peer.Receive();
        peer.SendJson(Message("alice", "nobody", "x"));
        peer.Receive();
        var stats = await Eventually.ValueAsync(() => Task.FromResult(router.Stats), s => s.Received >= 2, "two messages counted");
        Assert.Equal(1, stats.Pongs);
        Assert.Equal(1, stats.Errors[HydraErrorCode.UnknownTarget]);
    }
}
