using System.Globalization;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Interop;

/// <summary>Python pyzmq peers, written like the original HydraMQ, talking through our router.</summary>
public class PythonPeerTests
{
    private static string[] Ports(RouterEngine router) => ["--port", router.Port.ToString(CultureInfo.InvariantCulture), "--heartbeat-port", router.HeartbeatPort.ToString(CultureInfo.InvariantCulture)];

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_peer_pings_our_router(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["ping", "--id", "PyClient", .. Ports(router)]);
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("HydraRouter", "PyClient", "pong", "py-1"), ((string?)reply["sender"], (string?)reply["target"], (string?)reply["method"], (string?)reply["reply_to"]));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_peer_requests_and_dotnet_server_answers(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var server = router.StartPeer("DotnetServer", router.PeerOptions("DotnetServer") with { NetworkTimeout = TimeSpan.FromSeconds(10) }); // Python starts slowly
        await server.WaitUntilConnectedAsync();
        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "DotnetServer", "--method", "add", "--payload", """{"a": 2, "b": 40}""", .. Ports(router)]);
        var request = await server.ReceiveAsync();
        Assert.Equal(("PyClient", "add", 2), (request.Sender, request.Method, (int)request.Payload["a"]!));
        await server.SendAsync(request.CreateReply("sum", new JsonObject { ["sum"] = 42, ["note"] = "café" }));
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("DotnetServer", "sum", 42, "café", "py-2"), ((string?)reply["sender"], (string?)reply["method"], (int?)reply["payload"]!["sum"], (string?)reply["payload"]!["note"], (string?)reply["reply_to"]));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Dotnet_client_requests_and_python_server_answers(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["serve", "--id", "PyServer", .. Ports(router)]);
        await py.WaitForEventAsync("ready");
        await using var client = router.StartPeer("DotnetClient");
        var reply = await client.RequestAsync(client.CreateMessage("PyServer", "echo", new JsonObject { ["text"] = "ünïcode ✓" }));
        Assert.Equal(("PyServer", "echo_reply", "ünïcode ✓"), (reply.Sender, reply.Method, (string?)reply.Payload["text"]));
        var pong = await client.RequestAsync(client.CreateMessage("PyServer", "ping"));
        Assert.Equal("pong", pong.Method);
        py.CloseInput();
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_peer_sending_garbage_gets_an_error_it_can_decode(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["raw", "--id", "PyClient", "--raw", Convert.ToHexString("{not json"u8), .. Ports(router)]);
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("error", "bad_message"), ((string?)reply["method"], (string?)reply["payload"]!["code"]));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_peer_sees_an_unknown_target_error_instead_of_a_timeout(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "Nobody", .. Ports(router)]);
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("error", "unknown_target", "py-2"), ((string?)reply["method"], (string?)reply["payload"]!["code"], (string?)reply["reply_to"]));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Python_peer_sending_2_MB_is_told_the_limit(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "HydraServer", "--pad", "2000000", .. Ports(router)]);
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("error", "too_large"), ((string?)reply["method"], (string?)reply["payload"]!["code"]));
        Assert.Matches(@"^the message is 2000\d{3} bytes; the limit is 1048576$", (string?)reply["payload"]!["detail"]);
        Assert.Equal(1, router.Stats.Errors.GetValueOrDefault(HydraErrorCode.TooLarge));
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task Error_details_read_as_written_on_the_wire(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "Nobody", .. Ports(router)]);
        var reply = await py.WaitForEventAsync("reply");
        // The frame as a person reads it (no \u0027 for the apostrophes), and json.loads read it.
        Assert.Contains("\"detail\":\"no peer named 'Nobody' is connected\"", (string?)reply["frame"], StringComparison.Ordinal);
        Assert.Equal("no peer named 'Nobody' is connected", (string?)reply["payload"]!["detail"]);
    }
}
