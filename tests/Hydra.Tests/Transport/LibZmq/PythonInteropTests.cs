using System.Globalization;
using System.Text.Json.Nodes;
using Hydra.Testing;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>pyzmq peers (tests/python/py_peer.py, like the original HydraMQ) talking to a ROUTER made with the binding.</summary>
public sealed class PythonInteropTests
{
    [LibZmqPythonFact]
    public async Task Pyzmq_peer_pings_a_router_made_with_the_binding()
    {
        using var forwarder = new LibZmqForwarder();
        await using var py = Python.Run("py_peer.py", ["ping", "--id", "PyClient", .. Ports(forwarder)]);
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("HydraRouter", "PyClient", "pong"), ((string?)reply["sender"], (string?)reply["target"], (string?)reply["method"]));
    }

    [LibZmqPythonFact]
    public async Task Pyzmq_peer_and_a_binding_dealer_talk_through_the_binding_router()
    {
        using var forwarder = new LibZmqForwarder();
        using var context = ZmqContext.Create();
        using var server = ZmqKit.Dealer(context, "DotnetServer", forwarder.Endpoint);
        ZmqKit.Send(server, """{"sender":"DotnetServer","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1}""");
        Assert.Contains("pong", ZmqKit.Receive(server)[0], StringComparison.Ordinal); // known to the router

        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "DotnetServer", "--method", "add", "--payload", """{"a": 2, "b": 40}""", .. Ports(forwarder)]);
        var request = (JsonObject)JsonNode.Parse(ZmqKit.Receive(server)[0])!; // python's json.dumps spacing, forwarded as sent
        Assert.Equal(("PyClient", "add", 2, "py-2"), ((string?)request["sender"], (string?)request["method"], (int?)request["payload"]!["a"], (string?)request["id"]));

        ZmqKit.Send(server, """{"sender":"DotnetServer","target":"PyClient","method":"sum","payload":{"sum":42,"note":"café"},"protocol_version":1,"reply_to":"py-2"}""");
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("DotnetServer", "sum", 42, "café", "py-2"), ((string?)reply["sender"], (string?)reply["method"], (int?)reply["payload"]!["sum"], (string?)reply["payload"]!["note"], (string?)reply["reply_to"]));
    }

    private static string[] Ports(LibZmqForwarder forwarder) =>
        ["--port", forwarder.Port.ToString(CultureInfo.InvariantCulture), "--heartbeat-port", forwarder.HeartbeatPort.ToString(CultureInfo.InvariantCulture)];
}
