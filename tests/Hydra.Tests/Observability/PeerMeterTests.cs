using Hydra.Mq;
using Hydra.Observability;
using Hydra.Protocol;
using Hydra.Testing;
using static Hydra.HydraMeters;

namespace Hydra.Tests.Observability;

/// <summary>Each instrument of the Hydra.MQ meter moves when the peer does what it counts, through a real router.</summary>
public sealed class PeerMeterTests
{
    [Fact]
    public async Task Sends_receives_and_requests_are_counted_and_tagged_with_the_identity()
    {
        await using var router = TestRouter.Start();
        await using var alice = router.StartPeer("alice");
        await using var bob = router.StartPeer("bob");
        await alice.WaitUntilConnectedAsync();
        await bob.WaitUntilConnectedAsync();
        using var meter = new MeterReader(alice.Metrics!.Meter);
        var (sent, received, requests) = (Read(meter, PeerInstruments.Sent), Read(meter, PeerInstruments.Received), Read(meter, PeerInstruments.Requests));

        await alice.SendAsync(alice.CreateMessage("bob", "hello"));
        await bob.ReceiveAsync();
        await bob.SendAsync(bob.CreateMessage("alice", "hello_back"));
        await alice.ReceiveAsync();
        await alice.RequestAsync(alice.CreateMessage(HydraIdentities.Router, "ping"));

        Assert.Equal(sent + 2, Read(meter, PeerInstruments.Sent));
        Assert.Equal(received + 2, Read(meter, PeerInstruments.Received));
        Assert.Equal(requests + 1, Read(meter, PeerInstruments.Requests));
        Assert.Equal(0, Read(meter, PeerInstruments.Timeouts));
        Assert.Equal("alice", Assert.Single(meter.TagValues(PeerInstruments.Sent, PeerTag)));
    }

    [Fact]
    public async Task A_request_answered_too_late_counts_as_a_timeout_then_a_late_reply()
    {
        await using var router = TestRouter.Start();
        await using var client = router.StartPeer("client", router.PeerOptions("client") with { NetworkTimeout = TimeSpan.FromMilliseconds(200) });
        await using var slow = router.StartPeer("slow");
        await client.WaitUntilConnectedAsync();
        await slow.WaitUntilConnectedAsync();
        using var meter = new MeterReader(client.Metrics!.Meter);

        var asking = client.RequestAsync(client.CreateMessage("slow", "work"));
        var request = await slow.ReceiveAsync();
        await Assert.ThrowsAsync<HydraTimeoutException>(() => asking);
        Assert.Equal(1, Read(meter, PeerInstruments.Timeouts));
        await slow.SendAsync(request.CreateReply("done"));
        await meter.WaitForAsync(1, PeerInstruments.LateReplies, (PeerTag, "client"));
    }

    [Fact]
    public async Task Connected_is_1_while_the_router_answers_and_0_after_it_stops()
    {
        await using var router = TestRouter.Start();
        await using var peer = router.StartPeer("watched");
        using var meter = new MeterReader(peer.Metrics!.Meter);
        await meter.WaitForAsync(1, PeerInstruments.Connected, (PeerTag, "watched"));
        await router.StopAsync();
        await meter.WaitForAsync(0, PeerInstruments.Connected, (PeerTag, "watched"));
    }

    private static long Read(MeterReader meter, string instrument) => meter.Read(instrument);
}
