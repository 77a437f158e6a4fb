using System.Globalization;
using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Interop;

/// <summary>
/// RequestAsync with MatchUncorrelatedReplies against a pyzmq server that answers as the
/// original's peers do: <c>pong</c> for <c>ping</c>, <c>&lt;method&gt;_reply</c> for the rest, and
/// no <c>reply_to</c> (py_peer.py serve --original). Through our router, which passes the id on;
/// the server drops it, as the original's HydraMsg keeps only its five keys.
/// </summary>
public class PythonUncorrelatedReplyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static string[] Ports(RouterEngine router) =>
        ["--port", router.Port.ToString(CultureInfo.InvariantCulture), "--heartbeat-port", router.HeartbeatPort.ToString(CultureInfo.InvariantCulture)];

    private static async Task<ChildProcess> StartServerAsync(RouterEngine router, params string[] flags)
    {
        var py = Python.Run("py_peer.py", ["serve", "--id", "PyServer", .. flags, .. Ports(router)]);
        await py.WaitForEventAsync("ready");
        return py;
    }

    private static HydraMQ StartClient(RouterEngine router) =>
        router.StartPeer(options: router.PeerOptions("DotnetClient") with { MatchUncorrelatedReplies = true });

    private static HydraMsg Echo(HydraMQ client, int n) => client.CreateMessage("PyServer", "echo", new JsonObject { ["n"] = n });

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task A_method_other_than_ping_gets_the_original_peers_reply(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = await StartServerAsync(router, "--original");
        await using var client = StartClient(router);

        var sum = await client.RequestAsync(client.CreateMessage("PyServer", "add", new JsonObject { ["a"] = 2, ["b"] = 3 }));
        Assert.Equal(("PyServer", "add_reply", 2, 3, null), (sum.Sender, sum.Method, (int)sum.Payload["a"]!, (int)sum.Payload["b"]!, sum.ReplyTo));
        var pong = await client.RequestAsync(client.CreateMessage("PyServer", "ping"));
        Assert.Equal(("PyServer", "pong", null), (pong.Sender, pong.Method, pong.ReplyTo));
        py.CloseInput();
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Requests_through_the_original_router_to_an_original_peer_get_their_replies(HydraTransport transport)
    {
        // All Python but our client: the router strips id and reply_to, the server writes none.
        await using var router = Python.Run("py_router.py");
        var ready = await router.WaitForEventAsync("ready");
        string[] ports = ["--port", ((int)ready["port"]!).ToString(CultureInfo.InvariantCulture), "--heartbeat-port", ((int)ready["heartbeat_port"]!).ToString(CultureInfo.InvariantCulture)];
        await using var py = Python.Run("py_peer.py", ["serve", "--id", "PyServer", "--original", .. ports]);
        await py.WaitForEventAsync("ready");
        await using var client = new HydraMQ(new HydraMQOptions
        {
            RouterAddress = "127.0.0.1",
            RouterPort = (int)ready["port"]!,
            RouterHeartbeatPort = (int)ready["heartbeat_port"]!,
            Identity = "DotnetClient",
            HeartbeatInterval = TestRouter.Interval,
            NetworkTimeout = TimeSpan.FromSeconds(5),
            Transport = transport,
            MatchUncorrelatedReplies = true,
        });
        await client.StartAsync();
        await client.WaitUntilConnectedAsync();

        var sum = await client.RequestAsync(client.CreateMessage("PyServer", "add", new JsonObject { ["a"] = 2 }));
        Assert.Equal(("PyServer", "add_reply", 2), (sum.Sender, sum.Method, (int)sum.Payload["a"]!));
        var pong = await client.RequestAsync(client.CreateMessage("HydraRouter", "ping"));
        Assert.Equal(("HydraRouter", "pong", null), (pong.Sender, pong.Method, pong.ReplyTo));
        py.CloseInput();
        router.CloseInput();
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Two_requests_in_flight_are_answered_first_in_first_out(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = await StartServerAsync(router, "--original", "--hold");
        await using var client = StartClient(router);

        var first = client.RequestAsync(Echo(client, 1));
        var second = client.RequestAsync(Echo(client, 2));
        await py.WaitForEventAsync("served");
        await py.WaitForEventAsync("served"); // both wait now; the answers go out in the order the requests came
        py.WriteLine("release");

        var answers = await Task.WhenAll(first, second).WaitAsync(Deadline);
        Assert.Equal([1, 2], answers.Select(a => (int)a.Payload["n"]!));
        Assert.All(answers, a => Assert.Equal(("echo_reply", null), (a.Method, a.ReplyTo)));
        py.CloseInput();
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task A_reply_after_its_request_was_given_up_raises_LateReply(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = await StartServerAsync(router, "--original", "--hold");
        await using var client = StartClient(router);
        var late = new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.LateReply += (_, e) => late.TrySetResult(e.Reply);

        using var givingUp = new CancellationTokenSource();
        var request = client.RequestAsync(Echo(client, 1), givingUp.Token);
        await py.WaitForEventAsync("served");
        await givingUp.CancelAsync(); // as a timeout would: its reply is late from now on
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        py.WriteLine("release");

        var reply = await late.Task.WaitAsync(Deadline);
        Assert.Equal(("PyServer", "echo_reply", 1), (reply.Sender, reply.Method, (int)reply.Payload["n"]!));
        // Taken as late, it is not in the inbox (it was decided before LateReply was raised),
        // and the next request gets its own answer.
        using var nothingWaiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ReceiveAsync(nothingWaiting.Token));
        var next = client.RequestAsync(Echo(client, 2));
        await py.WaitForEventAsync("served");
        py.WriteLine("release");
        Assert.Equal(2, (int)(await next).Payload["n"]!);
        py.CloseInput();
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Replies_with_reply_to_still_match_exactly_whatever_their_order(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = await StartServerAsync(router, "--hold"); // answers with reply_to, as our peers do
        await using var client = StartClient(router);

        var first = client.RequestAsync(Echo(client, 1));
        var second = client.RequestAsync(Echo(client, 2));
        await py.WaitForEventAsync("served");
        await py.WaitForEventAsync("served");
        py.WriteLine("release-reversed"); // the answer to the second comes first

        var answers = await Task.WhenAll(first, second).WaitAsync(Deadline);
        Assert.Equal([1, 2], answers.Select(a => (int)a.Payload["n"]!));
        Assert.All(answers, a => Assert.NotNull(a.ReplyTo));
        py.CloseInput();
    }
}
