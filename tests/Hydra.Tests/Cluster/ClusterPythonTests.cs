using System.Globalization;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;

namespace Hydra.Tests.Cluster;

/// <summary>Python pyzmq peers, written like the original HydraMQ, on different routers of a cluster: they notice nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPythonTests : IAsyncLifetime
{
    private NatsServer _nats = null!;
    private RouterEngine[] _routers = [];

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        _routers = await ClusterRouters.StartAllAsync(_nats.Url, "a", "b");
    }

    public async Task DisposeAsync()
    {
        await ClusterRouters.DisposeAllAsync(_routers);
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    private static string[] Ports(RouterEngine router) =>
        ["--port", router.Port.ToString(CultureInfo.InvariantCulture), "--heartbeat-port", router.HeartbeatPort.ToString(CultureInfo.InvariantCulture)];

    [NatsPythonFact]
    public async Task A_python_server_on_one_router_answers_dotnet_and_python_clients_on_the_other()
    {
        var (a, b) = (_routers[0], _routers[1]);
        await using var server = Python.Run("py_peer.py", ["serve", "--id", "PyServer", .. Ports(b)]);
        await server.WaitForEventAsync("ready");
        await ClusterRouters.WaitForClientAsync(a, "PyServer", "b");

        await using var client = a.StartPeer("DotnetClient");
        var reply = await client.RequestAsync(client.CreateMessage("PyServer", "echo", new JsonObject { ["text"] = "ünïcode ✓" }));
        Assert.Equal(("PyServer", "echo_reply", "ünïcode ✓"), (reply.Sender, reply.Method, (string?)reply.Payload["text"]));

        await using var pyClient = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "PyServer", "--method", "echo", "--payload", """{"n": 7}""", .. Ports(a)]);
        var echoed = await pyClient.WaitForEventAsync("reply");
        Assert.Equal(("PyServer", "echo_reply", 7), ((string?)echoed["sender"], (string?)echoed["method"], (int?)echoed["payload"]!["n"]));
        server.CloseInput();
    }

    [NatsPythonFact]
    public async Task A_python_client_hears_unknown_target_from_the_cluster_and_reaches_a_dotnet_server_elsewhere()
    {
        var (a, b) = (_routers[0], _routers[1]);
        await using var nobody = Python.Run("py_peer.py", ["send", "--id", "PyLost", "--target", "Nobody", .. Ports(a)]);
        var error = await nobody.WaitForEventAsync("reply");
        Assert.Equal(("error", "unknown_target", "py-2"), ((string?)error["method"], (string?)error["payload"]!["code"], (string?)error["reply_to"]));

        await using var server = b.StartPeer("DotnetServer", b.PeerOptions("DotnetServer") with { NetworkTimeout = TimeSpan.FromSeconds(10) }); // Python starts slowly
        await server.WaitUntilConnectedAsync();
        await ClusterRouters.WaitForClientAsync(a, "DotnetServer", "b");
        await using var py = Python.Run("py_peer.py", ["send", "--id", "PyClient", "--target", "DotnetServer", "--method", "add", "--payload", """{"a": 2, "b": 40}""", .. Ports(a)]);
        var request = await server.ReceiveAsync();
        Assert.Equal(("PyClient", "add"), (request.Sender, request.Method));
        await server.SendAsync(request.CreateReply("sum", new JsonObject { ["sum"] = 42 }));
        var reply = await py.WaitForEventAsync("reply");
        Assert.Equal(("DotnetServer", "sum", 42), ((string?)reply["sender"], (string?)reply["method"], (int?)reply["payload"]!["sum"]));
    }
}

/// <summary>A fact that needs nats-server and python3 with pyzmq.</summary>
public sealed class NatsPythonFactAttribute : FactAttribute
{
    public NatsPythonFactAttribute()
    {
        if (!NatsServer.Required && NatsServer.Binary is null)
        {
            Skip = "nats-server is not installed (apt-get install -y nats-server); cluster test not run";
        }
        else if (!Python.Required && !Python.HasPyzmq.Value)
        {
            Skip = "python3-zmq is not installed (apt-get install -y python3-zmq); interop test not run";
        }
    }
}
