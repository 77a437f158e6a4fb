using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Transport;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>GOOD, OK, BAD and pruning, on a fake clock: the rule, not the machine's speed.</summary>
public sealed class ClientStatusRulesTests
{
    [Fact]
    public async Task A_client_that_stops_heartbeating_goes_ok_then_bad_then_is_pruned()
    {
        await using var harness = new RulesHarness(new RouterOptions { PruneAfter = TimeSpan.FromSeconds(60) });
        using var quiet = harness.Connect("quiet", PortKind.Heartbeat);
        quiet.SendJson(Message("quiet", "HydraRouter", "heartbeat"));
        quiet.Receive();

        // Seconds since last seen: 10 (2 intervals) GOOD, 11 OK, 15 (3 intervals) OK, 16 BAD, 60 kept, 61 pruned.
        Assert.Equal(ClientStatus.Good, await StatusAfterAsync(harness, 2 * Interval));
        Assert.Equal(ClientStatus.Ok, await StatusAfterAsync(harness, TimeSpan.FromSeconds(1)));
        Assert.Equal(ClientStatus.Ok, await StatusAfterAsync(harness, Interval - TimeSpan.FromSeconds(1)));
        Assert.Equal(ClientStatus.Bad, await StatusAfterAsync(harness, TimeSpan.FromSeconds(1)));
        Assert.Equal(ClientStatus.Bad, await StatusAfterAsync(harness, TimeSpan.FromSeconds(60 - 16)));
        await harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.Empty(await harness.Router.GetClientsAsync());
        Assert.Equal(0, harness.Router.Stats.Clients);
    }

    [Fact]
    public async Task Any_frame_on_either_port_keeps_a_client_good()
    {
        await using var harness = new RulesHarness();
        using var busy = harness.Connect("busy");
        for (var i = 0; i < 5; i++)
        {
            busy.SendJson(Message("busy", "HydraRouter", "ping"));
            busy.Receive();
            Assert.Equal(ClientStatus.Good, await StatusAfterAsync(harness, Interval));
        }
    }

    private static async Task<ClientStatus> StatusAfterAsync(RulesHarness harness, TimeSpan time)
    {
        await harness.AdvanceAsync(time);
        return Assert.Single(await harness.Router.GetClientsAsync()).Status;
    }
}
