using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Transport.InMemory;

namespace Hydra.Tests.Rules;

/// <summary>
/// MatchUncorrelatedReplies on the in-memory transport: the client is a HydraMQ, the server a raw
/// connection that answers exactly when and how each test says, without reply_to unless told.
/// The same rules against a real pyzmq server: Interop/PythonUncorrelatedReplyTests.
/// </summary>
public sealed class UncorrelatedReplyRulesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>A request timeout these tests wait out on purpose.</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(200);

    /// <param name="timeout">How long a request or a receive waits (the peer's network timeout).</param>
    private static HydraMQ StartClient(RulesHarness harness, TimeSpan? timeout = null)
    {
        var client = harness.Network.CreatePeer(new HydraMQOptions
        {
            Identity = "client",
            RouterPort = harness.Router.Port,
            RouterHeartbeatPort = harness.Router.HeartbeatPort,
            TimeProvider = harness.Clock,
            HeartbeatInterval = RulesHarness.Interval,
            NetworkTimeout = timeout ?? Deadline,
            MatchUncorrelatedReplies = true,
        });
        client.StartAsync().GetAwaiter().GetResult(); // completes at once: it only sets the sockets up
        return client;
    }

    /// <summary>The client's next message, read with <see cref="Deadline"/> whatever its network timeout.</summary>
    private static async Task<HydraMsg> NextMessageAsync(HydraMQ client)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await foreach (var message in client.ReadAllAsync(deadline.Token))
        {
            return message;
        }
        throw new InvalidOperationException("the inbox was closed");
    }

    /// <summary>The server's next message, read with a deadline.</summary>
    private static JsonObject Next(InMemoryConnection server) => server.ReceiveJson();

    private static void Answer(InMemoryConnection server, string method, int n, string? replyTo = null) =>
        server.SendJson($$"""{"sender":"server","target":"client","method":"{{method}}","payload":{"n":{{n}}},"protocol_version":1{{(replyTo is null ? "" : $",\"reply_to\":\"{replyTo}\"")}}}""");

    private static HydraMsg Request(HydraMQ client, string method, int n) => client.CreateMessage("server", method, new JsonObject { ["n"] = n });

    [Fact]
    public async Task Replies_without_reply_to_answer_the_oldest_request_to_their_sender_whatever_the_method()
    {
        await using var harness = new RulesHarness();
        using var server = harness.Connect("server");
        await using var client = StartClient(harness);

        var add = client.RequestAsync(Request(client, "add", 1));
        var ping = client.RequestAsync(Request(client, HydraMethods.Ping, 2));
        Assert.Equal(("add", "ping"), ((string?)Next(server)["method"], (string?)Next(server)["method"]));
        Answer(server, HydraMethods.Ping, 0);  // a request of the server's own: it answers nothing
        Answer(server, "add_reply", 1);
        Answer(server, HydraMethods.Pong, 2);

        Assert.Equal(("add_reply", 1), ((await add.WaitAsync(Deadline)).Method, (int)(await add).Payload["n"]!));
        Assert.Equal(("pong", 2), ((await ping.WaitAsync(Deadline)).Method, (int)(await ping).Payload["n"]!));
        var own = await client.ReceiveAsync();
        Assert.Equal(("server", "ping"), (own.Sender, own.Method));
    }

    [Fact]
    public async Task A_reply_with_reply_to_takes_its_own_request_out_of_the_line()
    {
        await using var harness = new RulesHarness();
        using var server = harness.Connect("server");
        await using var client = StartClient(harness);

        var first = client.RequestAsync(Request(client, "echo", 1));
        var second = client.RequestAsync(Request(client, "echo", 2));
        Next(server);
        var secondId = (string)Next(server)["id"]!;
        Answer(server, "echo_reply", 2, replyTo: secondId); // the second, by its id, before the first
        Answer(server, "echo_reply", 1);                   // no reply_to: the oldest still waiting is the first

        Assert.Equal(2, (int)(await second.WaitAsync(Deadline)).Payload["n"]!);
        Assert.Equal(1, (int)(await first.WaitAsync(Deadline)).Payload["n"]!);
    }

    [Fact]
    public async Task A_reply_after_its_request_timed_out_raises_LateReply_once_and_later_messages_reach_the_inbox()
    {
        await using var harness = new RulesHarness();
        using var server = harness.Connect("server");
        await using var client = StartClient(harness, ShortTimeout);
        var late = new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.LateReply += (_, e) => late.TrySetResult(e.Reply);

        var request = client.RequestAsync(Request(client, "echo", 1));
        Next(server);
        await Assert.ThrowsAsync<HydraTimeoutException>(() => request.WaitAsync(Deadline));
        Answer(server, "echo_reply", 1);
        Assert.Equal(("echo_reply", 1), ((await late.Task.WaitAsync(Deadline)).Method, (int)(await late.Task).Payload["n"]!));

        Answer(server, "notice", 2); // one reply was owed, and it came: this one is a message of its own
        var notice = await NextMessageAsync(client);
        Assert.Equal(("notice", 2), (notice.Method, (int)notice.Payload["n"]!));
    }

    [Fact]
    public async Task A_late_reply_while_a_newer_request_waits_answers_it_and_the_newer_reply_is_reported_late()
    {
        // The case order cannot settle (docs/protocol.md): the newer request is answered, and the
        // line comes right again with the next reply instead of staying one behind.
        await using var harness = new RulesHarness();
        using var server = harness.Connect("server");
        await using var client = StartClient(harness);
        var late = new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.LateReply += (_, e) => late.TrySetResult(e.Reply);

        using var givingUp = new CancellationTokenSource();
        var first = client.RequestAsync(Request(client, "echo", 1), givingUp.Token);
        Next(server);
        await givingUp.CancelAsync(); // given up by its caller: its reply is late, as after a timeout
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Deadline));
        var second = client.RequestAsync(Request(client, "echo", 2));
        Next(server);
        Answer(server, "echo_reply", 1);
        Answer(server, "echo_reply", 2);

        Assert.Equal(1, (int)(await second.WaitAsync(Deadline)).Payload["n"]!);
        Assert.Equal(2, (int)(await late.Task.WaitAsync(Deadline)).Payload["n"]!);
        var third = client.RequestAsync(Request(client, "echo", 3));
        Next(server);
        Answer(server, "echo_reply", 3);
        Assert.Equal(3, (int)(await third.WaitAsync(Deadline)).Payload["n"]!);
    }

    [Fact]
    public async Task Without_the_option_a_reply_without_reply_to_stays_a_plain_message()
    {
        await using var harness = new RulesHarness();
        using var server = harness.Connect("server");
        await using var client = harness.Network.CreatePeer(new HydraMQOptions
        {
            Identity = "client",
            RouterPort = harness.Router.Port,
            RouterHeartbeatPort = harness.Router.HeartbeatPort,
            TimeProvider = harness.Clock,
            NetworkTimeout = TimeSpan.FromMilliseconds(300),
        });
        await client.StartAsync();
        var request = client.RequestAsync(Request(client, "echo", 1));
        Next(server);
        Answer(server, "echo_reply", 1);
        await Assert.ThrowsAsync<HydraTimeoutException>(() => request.WaitAsync(Deadline));
        Assert.Equal("echo_reply", (await client.ReceiveAsync()).Method);
    }
}
