using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Interop;

/// <summary>Our peers against a pyzmq router that behaves like the Python original.</summary>
public class PythonRouterTests
{
    private static async Task<(ChildProcess Router, HydraMQOptions Peer)> StartPythonRouterAsync(HydraTransport transport)
    {
        var router = Python.Run("py_router.py");
        var ready = await router.WaitForEventAsync("ready");
        return (router, new HydraMQOptions
        {
            RouterAddress = "127.0.0.1",
            RouterPort = (int)ready["port"]!,
            RouterHeartbeatPort = (int)ready["heartbeat_port"]!,
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            NetworkTimeout = TimeSpan.FromSeconds(5),
            Transport = transport,
        });
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Our_peer_connects_and_gets_pong_from_the_original_router(HydraTransport transport)
    {
        var (router, options) = await StartPythonRouterAsync(transport);
        await using var _ = router;
        await using var peer = new HydraMQ(options);
        await peer.StartAsync();
        await Eventually.TrueAsync(() => peer.IsConnected, "heartbeat reply from the Python router");
        // The original drops unknown keys, so its pong carries no reply_to: read it as a plain message.
        await peer.SendAsync(peer.CreateMessage("HydraRouter", "ping"));
        var pong = await peer.ReceiveAsync();
        Assert.Equal(("HydraRouter", peer.Identity, "pong"), (pong.Sender, pong.Target, pong.Method));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Two_of_our_peers_exchange_messages_through_the_original_router(HydraTransport transport)
    {
        var (router, options) = await StartPythonRouterAsync(transport);
        await using var _ = router;
        await using var server = PongServer.Create(options with { Identity = "HydraServer" });
        await server.StartAsync();
        await using var client = new HydraMQ(options);
        await client.StartAsync();
        await Eventually.TrueAsync(() => server.IsConnected && client.IsConnected, "both connected");
        await client.SendAsync(client.CreateMessage("HydraServer", "ping", new JsonObject { ["n"] = 1 }));
        var pong = await client.ReceiveAsync();
        Assert.Equal(("HydraServer", "pong"), (pong.Sender, pong.Method));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_and_dotnet_peers_talk_through_the_original_router(HydraTransport transport)
    {
        var (router, options) = await StartPythonRouterAsync(transport);
        await using var _ = router;
        await using var server = PongServer.Create(options with { Identity = "HydraServer" });
        await server.StartAsync();
        await Eventually.TrueAsync(() => server.IsConnected, "server connected");
        await using var py = Python.Run("py_peer.py", "send", "--id", "PyClient", "--target", "HydraServer", "--port", options.RouterPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--heartbeat-port", options.RouterHeartbeatPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("HydraServer", "pong"), ((string?)reply["sender"], (string?)reply["method"]));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Hydra_ping_gets_its_pongs_through_the_original_router_which_strips_ids(HydraTransport transport)
    {
        var (router, options) = await StartPythonRouterAsync(transport);
        await using var _ = router;
        await using var server = PongServer.Create(options with { Identity = "HydraServer" });
        await server.StartAsync();
        foreach (var target in new[] { "HydraRouter", "HydraServer" })
        {
            await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Text(options.RouterPort), "--heartbeat-port", Text(options.RouterHeartbeatPort),
                "--target", target, "--count", "2", "--interval", "0.1");
            Assert.Equal(0, await ping.WaitForExitAsync());
            Assert.Contains($"pong from {target}: seq=2", ping.Output, StringComparison.Ordinal);
            Assert.Contains("(uncorrelated: no reply_to)", ping.Output, StringComparison.Ordinal);
            Assert.Contains("2 sent, 2 received, 0% lost", ping.Output, StringComparison.Ordinal);
        }
    }

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
