using Hydra.Observability;
using Hydra.Routing;
using Hydra.Tests.Rules;
using Hydra.Transport;
using static Hydra.HydraMeters;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Observability;

/// <summary>
/// Each instrument of the Hydra.Router meter moves when the router does what it counts: a router
/// on the in-memory transport with a fake clock, read as dotnet-counters reads it.
/// </summary>
public sealed class RouterMeterTests
{
    [Fact]
    public async Task The_meter_has_every_documented_instrument_while_the_router_runs()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        Assert.Equal(HydraMeters.Router, harness.Router.Metrics.Meter.Name);
        string[] documented =
        [
            RouterInstruments.Answered, RouterInstruments.Clients, RouterInstruments.Received, RouterInstruments.Refused,
            RouterInstruments.RepliesUndelivered, RouterInstruments.Routed, RouterInstruments.TraceSkipped,
        ];
        Assert.Equal(documented.Order(StringComparer.Ordinal), meter.Instruments.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forwarded_messages_count_as_received_and_routed()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        using var alice = harness.Connect("alice");
        using var bob = harness.Connect("bob");
        bob.SendJson(Message("bob", "HydraRouter", "ping")); // bob is known: now he can be a target
        bob.Receive();
        for (var i = 0; i < 3; i++)
        {
            alice.SendJson(Message("alice", "bob", "hello"));
            bob.Receive();
        }
        await meter.WaitForAsync(3, RouterInstruments.Routed);
        Assert.Equal(4, meter.Read(RouterInstruments.Received));
    }

    [Fact]
    public async Task Pings_and_heartbeats_count_as_answered_by_method()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        using var main = harness.Connect("alice");
        using var beats = harness.Connect("alice", PortKind.Heartbeat);
        main.SendJson(Message("alice", "HydraRouter", "ping"));
        main.Receive();
        for (var i = 0; i < 2; i++)
        {
            beats.SendJson(Message("alice", "HydraRouter", "heartbeat"));
            beats.Receive();
        }
        await meter.WaitForAsync(1, RouterInstruments.Answered, (MethodTag, "ping"));
        await meter.WaitForAsync(2, RouterInstruments.Answered, (MethodTag, "heartbeat"));
    }

    [Fact]
    public async Task Refusals_count_by_error_code_and_the_usual_codes_start_at_zero()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        Assert.Equal(0, meter.Read(RouterInstruments.Refused, (ErrorTypeTag, "unknown_target")));
        using var alice = harness.Connect("alice");
        alice.SendJson(Message("alice", "nobody", "hello"));
        alice.Receive();
        alice.SendJson(Message("alice", "nobody", "hello"));
        alice.Receive();
        alice.SendJson(Message("mallory", "HydraRouter", "ping"));
        alice.Receive();
        await meter.WaitForAsync(2, RouterInstruments.Refused, (ErrorTypeTag, "unknown_target"));
        await meter.WaitForAsync(1, RouterInstruments.Refused, (ErrorTypeTag, "sender_mismatch"));
        Assert.Equal(0, meter.Read(RouterInstruments.Refused, (ErrorTypeTag, "bad_message")));
        Assert.Equal(3, meter.Read(RouterInstruments.Refused));
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_counts_as_refused_too_large()
    {
        await using var harness = new RulesHarness(new RouterOptions { MaxMessageSize = 1024 });
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        Assert.Equal(0, meter.Read(RouterInstruments.Refused, (ErrorTypeTag, "too_large"))); // reported from 0, for alerts
        using var alice = harness.Connect("alice");
        alice.Send(new byte[2048]);
        alice.Receive();
        await meter.WaitForAsync(1, RouterInstruments.Refused, (ErrorTypeTag, "too_large"));
    }

    [Fact]
    public async Task A_reply_to_a_peer_whose_queue_is_full_counts_as_undelivered()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        using var stuck = harness.Connect("stuck", capacity: 1); // reads nothing: its queue holds one
        stuck.SendJson(Message("stuck", "HydraRouter", "ping"));
        stuck.SendJson(Message("stuck", "HydraRouter", "ping"));
        await meter.WaitForAsync(1, RouterInstruments.RepliesUndelivered);
        Assert.Equal(2, meter.Read(RouterInstruments.Answered, (MethodTag, "ping")));
    }

    [Fact]
    public async Task Trace_records_nobody_reads_count_as_skipped()
    {
        await using var harness = new RulesHarness(new RouterOptions { TraceCapacity = 1 });
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        using var alice = harness.Connect("alice");
        for (var i = 0; i < 3; i++)
        {
            alice.SendJson(Message("alice", "HydraRouter", "ping"));
            alice.Receive();
        }
        await meter.WaitForAsync(2, RouterInstruments.TraceSkipped); // the first fills the buffer
    }

    [Fact]
    public async Task Clients_count_by_status_as_time_passes()
    {
        await using var harness = new RulesHarness();
        using var meter = new MeterReader(harness.Router.Metrics!.Meter);
        using var quiet = harness.Connect("quiet", PortKind.Heartbeat);
        using var lively = harness.Connect("lively", PortKind.Heartbeat);
        foreach (var (peer, name) in new[] { (quiet, "quiet"), (lively, "lively") })
        {
            peer.SendJson(Message(name, "HydraRouter", "heartbeat"));
            peer.Receive();
        }
        Assert.Equal((2L, 0L, 0L), ByStatus(meter));
        await harness.AdvanceAsync(2 * Interval + TimeSpan.FromSeconds(1)); // 11 s: past GOOD
        lively.SendJson(Message("lively", "HydraRouter", "heartbeat"));
        lively.Receive();
        Assert.Equal((1L, 1L, 0L), ByStatus(meter));
        await harness.AdvanceAsync(Interval); // 16 s: past OK
        Assert.Equal((1L, 0L, 1L), ByStatus(meter));
    }

    [Fact]
    public async Task The_meter_goes_away_when_the_router_stops()
    {
        var harness = new RulesHarness();
        var meter = harness.Router.Metrics!.Meter;
        using var reader = new MeterReader(meter);
        Assert.NotEmpty(reader.Instruments);
        await harness.DisposeAsync();
        Assert.Empty(reader.Instruments);
    }

    private static (long Good, long Ok, long Bad) ByStatus(MeterReader meter) =>
        (meter.Read(RouterInstruments.Clients, (ClientStatusTag, "GOOD")),
         meter.Read(RouterInstruments.Clients, (ClientStatusTag, "OK")),
         meter.Read(RouterInstruments.Clients, (ClientStatusTag, "BAD")));
}
