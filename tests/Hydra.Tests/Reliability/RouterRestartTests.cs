using System.Diagnostics;
using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Testing;
using Hydra.Transport;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>The router process dies (SIGKILL) or stops (SIGTERM) and comes back on the same ports while peers run.</summary>
public class RouterRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Peers_reconnect_by_themselves_and_requests_never_hang(HydraTransport transport)
    {
        var restarts = LongRun.Pick(2, 10);
        var router = await RouterProcess.StartAsync(transport);
        var (port, heartbeatPort) = (router.Port, router.HeartbeatPort);
        try
        {
            await using var server = new HydraServer(PeerOptions(router, "echo-server"), new Dictionary<string, HydraMethodHandler>
            {
                ["echo"] = HydraHandlers.Sync(m => m.CreateReply("echoed", new JsonObject { ["n"] = (int)m.Payload["n"]! })),
            });
            await server.StartAsync();
            await using var client = new HydraMQ(PeerOptions(router, "client"));
            await client.StartAsync();
            var lateReplies = 0;
            client.LateReply += (_, _) => Interlocked.Increment(ref lateReplies);

            using var stop = new CancellationTokenSource();
            var requests = new RequestLoop(client);
            var requesting = Task.Run(() => requests.RunAsync(stop.Token));

            for (var i = 0; i < restarts; i++)
            {
                await Until(() => client.IsConnected && server.IsConnected && requests.LastOk > requests.LastFailure, "peers connected and a request answered");
                var signal = i % 2 == 0 ? "KILL" : "TERM";
                router.Process.Signal(signal);
                await router.Process.WaitForExitAsync();
                await router.DisposeAsync();
                await Until(() => !client.IsConnected && !server.IsConnected, "both peers to notice the router is gone");
                var failedBefore = requests.Failed;
                await Until(() => requests.Failed > failedBefore, "a request to fail while the router is down");

                router = await RouterProcess.StartAsync(transport, port, heartbeatPort);
                var okBefore = requests.Ok;
                await Until(() => client.IsConnected && server.IsConnected, "both peers reconnected without help");
                await Until(() => requests.Ok > okBefore, "requests answered again");
                output.WriteLine($"restart {i + 1} ({signal}): reconnected; {requests}");
            }

            stop.Cancel();
            await requesting.WaitAsync(TimeSpan.FromSeconds(10)); // rethrows a hang or a wrong answer
            output.WriteLine($"{restarts} restarts: {requests}; late replies (to requests that had timed out) {lateReplies}");
            Assert.Equal(0, requests.Unexpected);
        }
        finally
        {
            await router.DisposeAsync();
        }
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task An_in_process_router_can_be_restarted_on_its_ports_at_once(HydraTransport transport)
    {
        // NetMQ closes listeners after Dispose returns; StopAsync waits for that, so binding again cannot race it.
        var first = TestRouter.Start(transport);
        await using var peer = first.StartPeer("survivor", first.PeerOptions("survivor") with { NetworkTimeout = TimeSpan.FromSeconds(1) }); // pings again after 1 s
        await Until(() => peer.IsConnected, "the peer connected");
        var stopping = Stopwatch.GetTimestamp();
        await first.StopAsync();
        output.WriteLine($"StopAsync took {Stopwatch.GetElapsedTime(stopping).TotalMilliseconds:0} ms with a connected peer");
        await using var second = new RouterEngine(first.Options with { Port = first.Port, HeartbeatPort = first.HeartbeatPort });
        await second.StartAsync(); // before the fix this could throw "address already in use"
        // A message written just as the old router closed is lost with its connection (ZeroMQ does not
        // resend); its request raises a timeout. So: ask until answered.
        var pong = await Eventually.ValueAsync(() => TryPing(peer), reply => reply is not null, "a pong from the new router", TimeSpan.FromSeconds(20));
        Assert.Equal("pong", pong!.Method);
        await Until(() => peer.IsConnected, "the peer's heartbeats answered by the new router");
    }

    private static async Task<Hydra.HydraMsg?> TryPing(HydraMQ peer)
    {
        try
        {
            return await peer.RequestAsync(peer.CreateMessage("HydraRouter", "ping"));
        }
        catch (HydraTimeoutException)
        {
            return null;
        }
    }

    private static HydraMQOptions PeerOptions(RouterProcess router, string identity) =>
        router.PeerOptions(identity) with { HeartbeatInterval = Interval, NetworkTimeout = RequestTimeout };

    private static Task Until(Func<bool> condition, string what) =>
        Eventually.TrueAsync(condition, what, TimeSpan.FromSeconds(20));

    /// <summary>Requests one after another; each must end, with its own reply or an exception, within its timeout plus slack.</summary>
    private sealed class RequestLoop(HydraMQ client)
    {
        private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);
        private int _ok, _failed, _unexpected;
        private long _lastOk, _lastFailure;

        public int Ok => Volatile.Read(ref _ok);
        public int Failed => Volatile.Read(ref _failed);
        public int Unexpected => Volatile.Read(ref _unexpected);
        public long LastOk => Volatile.Read(ref _lastOk);
        public long LastFailure => Volatile.Read(ref _lastFailure);

        public async Task RunAsync(CancellationToken stop)
        {
            for (var n = 0; !stop.IsCancellationRequested && n < 1_000_000; n++)
            {
                var request = client.RequestAsync(client.CreateMessage("echo-server", "echo", new JsonObject { ["n"] = n }));
                try
                {
                    var reply = await request.WaitAsync(RequestTimeout + Slack);
                    Assert.Equal(n, (int)reply.Payload["n"]!); // never someone else's answer
                    Interlocked.Increment(ref _ok);
                    Volatile.Write(ref _lastOk, Stopwatch.GetTimestamp());
                }
                catch (TimeoutException) // from WaitAsync only: HydraTimeoutException is not a TimeoutException
                {
                    throw new InvalidOperationException($"request {n} hung: no reply and no exception within {RequestTimeout + Slack}");
                }
                catch (HydraException e)
                {
                    // Timeout while the router is down; unknown_target while the server has not reconnected yet.
                    if (e is not (HydraTimeoutException or HydraRemoteException { Code: HydraErrorCode.UnknownTarget }))
                    {
                        Interlocked.Increment(ref _unexpected);
                    }
                    Interlocked.Increment(ref _failed);
                    Volatile.Write(ref _lastFailure, Stopwatch.GetTimestamp());
                }
            }
        }

        public override string ToString() => $"requests answered {Ok}, raised {Failed} (unexpected kinds {Unexpected}), none hung";
    }
}
