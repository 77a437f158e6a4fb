using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Hydra.Tests.Routing;

/// <summary>
/// A client is seen when its message arrives, by the router's own clock, on every transport
/// (the libzmq transport reads the clock once per batch of frames and hands that time to the rules).
/// </summary>
public sealed class LastSeenTests
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_message_marks_its_sender_seen_at_the_routers_time(HydraTransport transport)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var router = TestRouter.Start(transport, new RouterOptions { TimeProvider = clock, HeartbeatInterval = TimeSpan.FromSeconds(5) });
        // No heartbeats of its own during the test: only the pings below mark it seen.
        await using var peer = router.StartPeer("p", router.PeerOptions("p") with { HeartbeatInterval = TimeSpan.FromHours(1) });
        await peer.WaitUntilConnectedAsync();
        await peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, HydraMethods.Ping));

        clock.Advance(TimeSpan.FromSeconds(20));
        var silent = Assert.Single(await router.GetClientsAsync());
        Assert.Equal((ClientStatus.Bad, TimeSpan.FromSeconds(20)), (silent.Status, silent.LastSeenAgo));

        await peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, HydraMethods.Ping));
        var seen = Assert.Single(await router.GetClientsAsync());
        Assert.Equal((ClientStatus.Good, TimeSpan.Zero), (seen.Status, seen.LastSeenAgo));
    }
}
