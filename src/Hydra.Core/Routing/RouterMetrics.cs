using System.Diagnostics.Metrics;
using Hydra.Protocol;
using static Hydra.HydraMeters;

namespace Hydra.Routing;

/// <summary>
/// The <see cref="HydraMeters.Router"/> meter of one running router. Every instrument is
/// observable: it reads the counters the routing thread keeps anyway when a listener collects,
/// so routing pays nothing for metrics, listened to or not.
/// </summary>
internal sealed class RouterMetrics : IDisposable
{
    private static readonly HydraErrorCode[] Codes = Enum.GetValues<HydraErrorCode>();
    private static readonly KeyValuePair<string, object?>[] PingTag = [new(MethodTag, "ping")];
    private static readonly KeyValuePair<string, object?>[] HeartbeatTag = [new(MethodTag, "heartbeat")];

    private readonly RouterCounters _counters;
    private readonly Func<ClientStatusCounts> _countClients;

    public RouterMetrics(RouterCounters counters, Func<long> traceSkipped, Func<ClientStatusCounts> countClients)
    {
        _counters = counters;
        _countClients = countClients;
        Meter = new Meter(HydraMeters.Router, typeof(RouterMetrics).Assembly.GetName().Version?.ToString(3));
        Meter.CreateObservableCounter(RouterInstruments.Received, () => Volatile.Read(ref counters.Received), "{message}",
            "Messages received on both ports, heartbeats and refused ones included");
        Meter.CreateObservableCounter(RouterInstruments.Routed, () => Volatile.Read(ref counters.Routed), "{message}",
            "Messages forwarded to another peer");
        Meter.CreateObservableCounter(RouterInstruments.Answered, Answered, "{message}",
            "Pings and heartbeats the router answered itself");
        Meter.CreateObservableCounter(RouterInstruments.Refused, Refused, "{message}",
            "Messages refused with an error reply, by error code");
        Meter.CreateObservableCounter(RouterInstruments.RepliesUndelivered, () => Volatile.Read(ref counters.RepliesNotDelivered), "{message}",
            "Replies that could not be handed to a peer whose queue was full or gone");
        Meter.CreateObservableCounter(RouterInstruments.TraceSkipped, traceSkipped, "{record}",
            "Trace records skipped because the watcher fell behind");
        Meter.CreateObservableUpDownCounter(RouterInstruments.Clients, Clients, "{client}",
            "Clients in the table, by status (GOOD, OK, BAD)");
    }

    /// <summary>The meter; tests listen to this one only.</summary>
    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<long>> Answered() =>
    [
        new(Volatile.Read(ref _counters.Pongs), PingTag),
        new(Volatile.Read(ref _counters.Heartbeats), HeartbeatTag),
    ];

    /// <summary>
    /// The codes the router refuses with are always reported, zeros included, so that an alert on
    /// the rate of one kind works from its first refusal; any other code once it has counted.
    /// </summary>
    private static readonly HydraErrorCode[] AlwaysReported =
    [
        HydraErrorCode.BadMessage, HydraErrorCode.UnknownTarget, HydraErrorCode.SenderMismatch,
        HydraErrorCode.UnknownMethod, HydraErrorCode.Busy, HydraErrorCode.Unauthorized, HydraErrorCode.TooLarge, HydraErrorCode.Other,
    ];

    private IEnumerable<Measurement<long>> Refused()
    {
        var measurements = new List<Measurement<long>>(Codes.Length);
        foreach (var code in Codes)
        {
            var count = _counters.ErrorCount(code);
            if (count > 0 || AlwaysReported.Contains(code))
            {
                measurements.Add(new(count, new KeyValuePair<string, object?>(ErrorTypeTag, code.ToWire())));
            }
        }
        return measurements;
    }

    private IEnumerable<Measurement<int>> Clients()
    {
        var counts = _countClients();
        return
        [
            new(counts.Good, new KeyValuePair<string, object?>(ClientStatusTag, ClientStatus.Good.ToLabel())),
            new(counts.Ok, new KeyValuePair<string, object?>(ClientStatusTag, ClientStatus.Ok.ToLabel())),
            new(counts.Bad, new KeyValuePair<string, object?>(ClientStatusTag, ClientStatus.Bad.ToLabel())),
        ];
    }
}

/// <summary>How many clients have each status.</summary>
internal sealed record ClientStatusCounts(int Good, int Ok, int Bad)
{
    public static readonly ClientStatusCounts None = new(0, 0, 0);
}
