using System.Text;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Reliability;
using Hydra.Transport;
using Hydra.Transport.InMemory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hydra.Tests.Rules;

/// <summary>HydraMQ's own rules (heartbeats, connection state, reply matching) on the in-memory transport.</summary>
public sealed class PeerRulesTests
{
    private static HydraMQOptions PeerOptions(RulesHarness harness, string identity) => new()
    {
        RouterPort = harness.Router.Port,
        RouterHeartbeatPort = harness.Router.HeartbeatPort,
        Identity = identity,
        TimeProvider = harness.Clock,
        HeartbeatInterval = RulesHarness.Interval,
        NetworkTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Connected_follows_heartbeat_replies_on_the_peers_clock_and_silence_is_explained()
    {
        var log = new CapturedLog(LogLevel.Information);
        var harness = new RulesHarness();
        await using var peer = harness.Network.CreatePeer(PeerOptions(harness, "alice") with { LoggerFactory = log });
        await peer.StartAsync();
        await peer.WaitUntilConnectedAsync();
        Assert.True(peer.IsConnected);

        await harness.DisposeAsync(); // the router goes away
        harness.Clock.Advance(2 * RulesHarness.Interval + TimeSpan.FromSeconds(1));
        Assert.False(peer.IsConnected);
        Assert.Contains("closed (the router stopped?)", peer.DescribeConnection());
        harness.Clock.Advance(RulesHarness.Interval); // the next heartbeat tick reports it
        Assert.Contains(log.Lines, l => l.Contains("alice: no heartbeat reply from the router for 10 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_peer_with_no_router_says_nothing_listens_there()
    {
        var network = new InMemoryNetwork();
        await using var peer = network.CreatePeer(new HydraMQOptions { Identity = "lonely", RouterPort = 1, RouterHeartbeatPort = 2, NetworkTimeout = TimeSpan.FromMilliseconds(100) });
        await peer.StartAsync();
        var error = await Assert.ThrowsAsync<HydraTimeoutException>(() => peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, HydraMethods.Ping)));
        Assert.Contains("nothing accepts connections there (is the router running", error.Message);
    }

    [Fact]
    public async Task Replies_without_reply_to_answer_the_oldest_waiting_ping_when_asked_to()
    {
        // A router that behaves like the Python original: it strips id and reply_to.
        var network = new InMemoryNetwork();
        var router = network.CreateRouter(new RouterOptions { Port = 0, HeartbeatPort = 0 });
        var (port, heartbeatPort) = router.Start(new OriginalRouterRules(router));
        var options = new HydraMQOptions { Identity = "dotnet-client", RouterPort = port, RouterHeartbeatPort = heartbeatPort, NetworkTimeout = TimeSpan.FromSeconds(5) };

        await using var matching = network.CreatePeer(options with { MatchUncorrelatedReplies = true });
        await matching.StartAsync();
        var pong = await matching.RequestAsync(matching.CreateMessage(HydraIdentities.Router, HydraMethods.Ping));
        Assert.Equal(("pong", null), (pong.Method, pong.ReplyTo));

        await using var strict = network.CreatePeer(options with { Identity = "strict-client", NetworkTimeout = TimeSpan.FromMilliseconds(300) });
        await strict.StartAsync();
        await Assert.ThrowsAsync<HydraTimeoutException>(() => strict.RequestAsync(strict.CreateMessage(HydraIdentities.Router, HydraMethods.Ping)));
        Assert.Equal("pong", (await strict.ReceiveAsync()).Method); // not lost: it waits in the inbox
        await router.StopAsync();
    }

    /// <summary>The original router's answers: pong and heartbeat_reply, without ids.</summary>
    private sealed class OriginalRouterRules(IRouterTransport transport) : IRouterRules
    {
        public void OnFrame(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame)
        {
            var message = HydraMsg.FromJson(frame.Body);
            var answer = message.Method == HydraMethods.Ping ? HydraMethods.Pong : HydraMethods.HeartbeatReply;
            transport.Send(port, identity, Envelope.Bare, new HydraMsg(HydraIdentities.Router, message.Sender, answer).ToJson());
        }

        public void OnPeerGone(PortKind port, ReadOnlySpan<byte> identity)
        {
        }

        public bool MayQueueForwards => false;

        public void OnForwardFailed(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame, SendResult result, object? token)
        {
        }
    }
}
