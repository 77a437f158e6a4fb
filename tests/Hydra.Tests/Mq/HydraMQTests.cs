using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Mq;

public class HydraMQTests
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task Connected_follows_heartbeat_replies(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var peer = router.StartPeer();
        await Eventually.TrueAsync(() => peer.IsConnected, "connected");
        await router.StopAsync();
        await Eventually.TrueAsync(() => !peer.IsConnected, "disconnected after the router stopped");
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Without_a_router_it_is_not_connected_and_requests_time_out(HydraTransport transport)
    {
        await using var peer = new HydraMQ(new HydraMQOptions { RouterPort = 1, RouterHeartbeatPort = 2, RouterAddress = "127.0.0.1", Transport = transport, NetworkTimeout = TimeSpan.FromMilliseconds(300) });
        await peer.StartAsync();
        Assert.False(peer.IsConnected);
        await Assert.ThrowsAsync<HydraTimeoutException>(() =>
            peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, "ping")));
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task An_unknown_router_host_is_one_clear_error(HydraTransport transport)
    {
        await using var peer = new HydraMQ(new HydraMQOptions { RouterAddress = "no-such-host.invalid", Transport = transport });
        var error = await Assert.ThrowsAsync<HydraException>(() => peer.StartAsync());
        Assert.Equal(HydraErrorCode.Network, error.Code);
        Assert.StartsWith("cannot connect to tcp://no-such-host.invalid:5757", error.Message);
        Assert.False(peer.IsStarted);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Two_peers_exchange_messages_through_the_router(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var alice = router.StartPeer("alice");
        await using var bob = router.StartPeer("bob");
        await Eventually.TrueAsync(() => alice.IsConnected && bob.IsConnected, "both connected");
        await alice.SendAsync(alice.CreateMessage("bob", "greet", new JsonObject { ["text"] = "hi" }));
        var received = await bob.ReceiveAsync();
        Assert.Equal(("alice", "greet", "hi"), (received.Sender, received.Method, (string?)received.Payload["text"]));
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Receive_times_out_and_a_later_message_is_not_lost(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var alice = router.StartPeer("alice");
        await using var bob = router.StartPeer("bob", router.PeerOptions("bob") with { NetworkTimeout = TimeSpan.FromMilliseconds(100) });
        await Eventually.TrueAsync(() => alice.IsConnected && bob.IsConnected, "both connected");
        await Assert.ThrowsAsync<HydraTimeoutException>(() => bob.ReceiveAsync());
        await alice.SendAsync(alice.CreateMessage("bob", "after"));
        Assert.Equal("after", (await bob.ReceiveAsync()).Method);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Default_identities_are_unique_so_two_clients_both_work(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var one = new HydraClient(router.PeerOptions());
        await using var two = new HydraClient(router.PeerOptions());
        await one.StartAsync();
        await two.StartAsync();
        Assert.NotEqual(one.Identity, two.Identity);
        Assert.StartsWith("HydraClient-", one.Identity);
        Assert.Equal("pong", (await one.PingAsync()).Reply.Method);
        Assert.Equal("pong", (await two.PingAsync()).Reply.Method);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Handlers_answer_sync_and_async_and_errors_come_back_as_exceptions(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        var methods = new Dictionary<string, HydraMethodHandler>
        {
            ["add"] = HydraHandlers.Sync(m => m.CreateReply("sum", new JsonObject { ["sum"] = (int)m.Payload["a"]! + (int)m.Payload["b"]! })),
            ["slow_echo"] = async (m, ct) =>
            {
                await Task.Yield();
                return m.CreateReply("echo", (JsonObject)m.Payload.DeepClone());
            },
            ["broken"] = HydraHandlers.Sync(_ => throw new InvalidOperationException("disk on fire")),
        };
        await using var server = new HydraServer(router.PeerOptions(), methods);
        await server.StartAsync();
        await using var client = router.StartPeer();

        var sum = await client.RequestAsync(client.CreateMessage("HydraServer", "add", new JsonObject { ["a"] = 2, ["b"] = 3 }));
        Assert.Equal(5, (int)sum.Payload["sum"]!);
        var echo = await client.RequestAsync(client.CreateMessage("HydraServer", "slow_echo", new JsonObject { ["k"] = "v" }));
        Assert.Equal("v", (string?)echo.Payload["k"]);

        var unknown = await Assert.ThrowsAsync<HydraRemoteException>(() => client.RequestAsync(client.CreateMessage("HydraServer", "divide")));
        Assert.Equal(HydraErrorCode.UnknownMethod, unknown.Code);
        Assert.Contains("add", unknown.Detail);
        var broken = await Assert.ThrowsAsync<HydraRemoteException>(() => client.RequestAsync(client.CreateMessage("HydraServer", "broken")));
        Assert.Equal(HydraErrorCode.HandlerFailed, broken.Code);
        Assert.Contains("disk on fire", broken.Detail);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Unknown_target_raises_with_the_routers_reason(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var client = router.StartPeer();
        var error = await Assert.ThrowsAsync<HydraRemoteException>(() => client.RequestAsync(client.CreateMessage("HydraServer", "ping")));
        Assert.Equal(HydraErrorCode.UnknownTarget, error.Code);
        Assert.Equal("HydraRouter", error.Reply.Sender);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_late_reply_never_answers_the_next_request(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        var firstCallGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var methods = new Dictionary<string, HydraMethodHandler>
        {
            ["ping"] = async (m, ct) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    await firstCallGate.Task.WaitAsync(ct); // the first answer is held back until it is late
                }
                return m.CreateReply("pong", new JsonObject { ["answer_to"] = (string?)m.Payload["n"] });
            },
        };
        await using var server = new HydraServer(router.PeerOptions("slow-server"), methods);
        await server.StartAsync();
        await using var client = router.StartPeer(options: router.PeerOptions() with { NetworkTimeout = TimeSpan.FromMilliseconds(300) });
        var late = new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.LateReply += (_, e) => late.TrySetResult(e.Reply);

        await Assert.ThrowsAsync<HydraTimeoutException>(() =>
            client.RequestAsync(client.CreateMessage("slow-server", "ping", new JsonObject { ["n"] = "first" })));
        firstCallGate.SetResult();
        var second = await client.RequestAsync(client.CreateMessage("slow-server", "ping", new JsonObject { ["n"] = "second" }));

        Assert.Equal("second", (string?)second.Payload["answer_to"]);
        var lateReply = await late.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first", (string?)lateReply.Payload["answer_to"]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Start_is_idempotent_and_quit_is_bounded_and_fails_waiting_requests(HydraTransport transport)
    {
        var peer = new HydraMQ(new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = 1, RouterHeartbeatPort = 2, Transport = transport, NetworkTimeout = TimeSpan.FromMinutes(5) });
        await peer.StartAsync();
        await peer.StartAsync();
        Assert.True(peer.IsStarted);
        var waiting = peer.RequestAsync(peer.CreateMessage("x", "y"));
        await peer.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<HydraException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(HydraErrorCode.Closed, error.Code);
        Assert.False(peer.IsStarted);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Oversize_messages_are_refused_before_sending(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var peer = router.StartPeer();
        var huge = peer.CreateMessage("anyone", "blob", new JsonObject { ["data"] = new string('x', 1024 * 1024) });
        var error = await Assert.ThrowsAsync<HydraException>(() => peer.SendAsync(huge));
        Assert.Equal(HydraErrorCode.TooLarge, error.Code);
        Assert.Contains("the limit is 1048576", error.Message);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_full_inbox_answers_busy_instead_of_dropping(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var slow = new HydraMQ(router.PeerOptions("slow") with { InboxCapacity = 2 });
        await slow.StartAsync();
        await using var sender = router.StartPeer("sender");
        await Eventually.TrueAsync(() => slow.IsConnected && sender.IsConnected, "both connected");
        for (var i = 0; i < 3; i++)
        {
            await sender.SendAsync(sender.CreateMessage("slow", "work", new JsonObject { ["n"] = i }));
        }
        var refusal = await sender.ReceiveAsync();
        Assert.Equal(("slow", "error", "busy"), (refusal.Sender, refusal.Method, (string?)refusal.Payload["code"]));
        Assert.Equal(0, (int)(await slow.ReceiveAsync()).Payload["n"]!);
        Assert.Equal(1, (int)(await slow.ReceiveAsync()).Payload["n"]!);
    }
}
