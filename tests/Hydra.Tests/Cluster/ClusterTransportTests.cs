using System.Text;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Cluster;

/// <summary>
/// The cluster layer sits above the transport: a router on libzmq and a router on NetMQ join one
/// cluster, and frames cross between them both ways, untouched. The other cluster tests run on
/// the default transport (libzmq where it is installed, as in CI).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTransportTests : IAsyncLifetime
{
    private NatsServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    [NatsTheory, MixedTransports]
    public async Task Routers_on_different_transports_pass_frames_both_ways_byte_for_byte(HydraTransport first, HydraTransport second)
    {
        var cluster = ClusterRouters.NewName();
        await using var a = ClusterRouters.Start(_nats.Url, cluster, "router-a", new RouterOptions { Transport = first });
        await using var b = ClusterRouters.Start(_nats.Url, cluster, "router-b", new RouterOptions { Transport = second });
        await ClusterRouters.WaitForRoutersAsync([a, b], 2);

        using var onA = new RawPeer(a, "raw-a");
        using var onB = new RawPeer(b, "raw-b");
        foreach (var (peer, name) in new[] { (onA, "raw-a"), (onB, "raw-b") })
        {
            peer.SendJson($$"""{"sender":"{{name}}","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1}""");
            Assert.Equal("pong", (string?)peer.Receive()["method"]);
        }
        await ClusterRouters.WaitForClientAsync(a, "raw-b", "router-b");
        await ClusterRouters.WaitForClientAsync(b, "raw-a", "router-a");

        var there = Encoding.UTF8.GetBytes("""{ "protocol_version": 1, "sender": "raw-a", "target": "raw-b", "method": "hello", "payload": {"text": "caf\u00e9 ☕"} }""");
        onA.Send(there);
        Assert.Equal(there, onB.ReceiveRaw());
        var back = Encoding.UTF8.GetBytes("""{"sender":"raw-b","target":"raw-a","method":"hello","payload":{"n": [1, 2.50]},"protocol_version":1,"id":"7"}""");
        onB.Send(back);
        Assert.Equal(back, onA.ReceiveRaw());

        // A HydraMQ peer on each side's transport: request and reply across the two engines.
        await using var server = PongServer.Create(b.PeerOptions("HydraServer"));
        await server.StartAsync();
        await using var client = a.StartPeer("client-a");
        await client.WaitUntilConnectedAsync();
        var pong = await ClusterRouters.RequestUntilAnsweredAsync(client, "HydraServer");
        Assert.Equal(("HydraServer", "client-a", "pong"), (pong.Sender, pong.Target, pong.Method));
        Assert.Equal((first, second), (a.Options.Transport, b.Options.Transport));
        Assert.NotEqual(a.TransportName.Split(' ')[0], b.TransportName.Split(' ')[0]);
    }
}
