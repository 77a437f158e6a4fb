using System.Text;
using Hydra.Routing;
using Hydra.Testing;

namespace Hydra.Tests.Cluster;

/// <summary>Two routers over one real nats-server act as one router: what a peer on either sees (over the router's own NATS connection).</summary>
[Collection(ClusterCollection.Name)]
public class CrossRouterTests : IAsyncLifetime
{
    private NatsServer _nats = null!;
    private RouterEngine[] _routers = [];

    private RouterEngine A => _routers[0];
    private RouterEngine B => _routers[1];

    public async Task InitializeAsync()
    {
        _nats = await NatsServer.StartAsync();
        _routers = await ClusterRouters.StartAllAsync(_nats.Url, Tune, "router-a", "router-b");
    }

    /// <summary>How the routers' cluster options differ from the defaults.</summary>
    protected virtual Func<Hydra.Cluster.ClusterOptions, Hydra.Cluster.ClusterOptions>? Tune => null;

    public async Task DisposeAsync()
    {
        await ClusterRouters.DisposeAllAsync(_routers);
        if (_nats is not null)
        {
            await _nats.DisposeAsync();
        }
    }

    [NatsFact]
    public async Task A_peer_on_one_router_gets_answers_from_a_server_on_the_other_both_ways()
    {
        await using var serverOnB = PongServer.Create(B.PeerOptions("HydraServer"));
        await serverOnB.StartAsync();
        await using var clientOnA = A.StartPeer("client-a");
        await clientOnA.WaitUntilConnectedAsync();

        var pong = await ClusterRouters.RequestUntilAnsweredAsync(clientOnA, "HydraServer");
        Assert.Equal(("HydraServer", "client-a", "pong"), (pong.Sender, pong.Target, pong.Method));

        await using var serverOnA = PongServer.Create(A.PeerOptions("server-a"));
        await serverOnA.StartAsync();
        await using var clientOnB = B.StartPeer("client-b");
        await clientOnB.WaitUntilConnectedAsync();
        var back = await ClusterRouters.RequestUntilAnsweredAsync(clientOnB, "server-a");
        Assert.Equal(("server-a", "client-b", "pong"), (back.Sender, back.Target, back.Method));
        Assert.True(A.ClusterStats!.SentToRouters > 0 && A.ClusterStats.ReceivedFromRouters > 0, "the messages went through the cluster");
        // The same counts on the router's meter, as Prometheus or OTLP would read them (docs/operations.md).
        var measured = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == A.Metrics!.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(A.ClusterStats.SentToRouters, measured["hydra.router.cluster.messages.sent"]);
        Assert.Equal(1, measured["hydra.router.cluster.available"]);
    }

    [NatsFact]
    public async Task A_frame_arrives_on_another_router_byte_for_byte()
    {
        using var receiver = new RawPeer(B, "raw-b");
        receiver.SendJson("""{"sender":"raw-b","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1}""");
        Assert.Equal("pong", (string?)receiver.Receive()["method"]);
        await ClusterRouters.WaitForClientAsync(A, "raw-b", "router-b");
        using var sender = new RawPeer(A, "raw-a");
        // Spaces, key order, unknown keys and escapes as a peer wrote them: the router must not rewrite any of it.
        var frame = Encoding.UTF8.GetBytes("""{ "protocol_version": 1, "sender": "raw-a", "target": "raw-b", "method": "hello", "payload": {"text": "caf\u00e9 ☕", "n": [1, 2.50]}, "extra": null }""");
        sender.Send(frame);
        Assert.Equal(frame, receiver.ReceiveRaw());
    }

    [NatsFact]
    public async Task A_target_on_no_router_is_unknown_target_naming_the_cluster()
    {
        await using var client = A.StartPeer("lonely");
        await client.WaitUntilConnectedAsync();
        var request = client.CreateMessage("nobody-anywhere", "ping");
        var error = await Assert.ThrowsAsync<Hydra.HydraRemoteException>(() => client.RequestAsync(request));
        Assert.Equal(HydraErrorCode.UnknownTarget, error.Code);
        Assert.Contains("any router", error.Detail, StringComparison.Ordinal);
        Assert.StartsWith("lonely:", error.Reply.ReplyTo, StringComparison.Ordinal); // answered as the request it was
    }

    [NatsFact]
    public async Task A_peer_cannot_speak_for_a_peer_on_another_router()
    {
        await using var victim = B.StartPeer("victim");
        await victim.WaitUntilConnectedAsync();
        await ClusterRouters.WaitForClientAsync(A, "victim", "router-b");
        using var mallory = new RawPeer(A, "mallory");
        mallory.SendJson("""{"sender":"victim","target":"victim","method":"hello","payload":{},"protocol_version":1,"id":"spoof"}""");
        var refusal = mallory.Receive();
        JsonAssert.IsError(refusal, "sender_mismatch");
        Assert.Equal("spoof", (string?)refusal["reply_to"]);
        Assert.Equal(0, A.ClusterStats!.SentToRouters);
    }

    [NatsFact]
    public async Task Clients_answers_with_every_router_s_peers_each_with_its_router()
    {
        await using var onB = B.StartPeer("peer-on-b");
        await onB.WaitUntilConnectedAsync();
        using var asker = new RawPeer(A, "asker");
        await ClusterRouters.WaitForClientAsync(A, "peer-on-b", "router-b");
        asker.SendJson("""{"sender":"asker","target":"HydraRouter","method":"clients","payload":{},"protocol_version":1,"id":"c1"}""");
        var reply = asker.Receive(TimeSpan.FromSeconds(10));
        Assert.Equal(("clients", "c1"), ((string?)reply["method"], (string?)reply["reply_to"]));
        var rows = reply["payload"]!["clients"]!.AsArray().Select(r => ((string?)r!["identity"], (string?)r["router"], (string?)r["status"])).ToList();
        Assert.True(rows.Contains(("asker", "router-a", "GOOD")) && rows.Contains(("peer-on-b", "router-b", "GOOD")), reply.ToJsonString());
        Assert.Equal(rows.Count, (int?)reply["payload"]!["total"]);
        Assert.Null(reply["payload"]!["missing_routers"]);
    }
}

/// <summary>The same, over NATS.Net (the federation for tls://, ws:// and NATS credentials files).</summary>
public sealed class CrossRouterOverNatsNetTests : CrossRouterTests
{
    protected override Func<Hydra.Cluster.ClusterOptions, Hydra.Cluster.ClusterOptions>? Tune => ClusterRouters.OverNatsNet;
}
