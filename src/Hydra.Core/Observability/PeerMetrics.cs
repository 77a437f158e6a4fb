using System.Diagnostics.Metrics;
using static Hydra.HydraMeters;

namespace Hydra.Observability;

/// <summary>
/// The <see cref="HydraMeters.Peer"/> meter of one started peer: observable instruments over its
/// <see cref="PeerCounters"/>, each measurement tagged with the peer's identity (a process may run
/// several peers, and each needs its own series).
/// </summary>
internal sealed class PeerMetrics : IDisposable
{
    public PeerMetrics(string identity, PeerCounters counters, Func<bool> isConnected)
    {
        KeyValuePair<string, object?>[] peer = [new(PeerTag, identity)];
        Meter = new Meter(HydraMeters.Peer, typeof(PeerMetrics).Assembly.GetName().Version?.ToString(3));
        Meter.CreateObservableCounter(PeerInstruments.Sent, () => new Measurement<long>(Volatile.Read(ref counters.Sent), peer), "{message}",
            "Messages sent to the router on the main port (heartbeats not counted)");
        Meter.CreateObservableCounter(PeerInstruments.Received, () => new Measurement<long>(Volatile.Read(ref counters.Received), peer), "{message}",
            "Messages received from the router on the main port (heartbeat replies not counted)");
        Meter.CreateObservableCounter(PeerInstruments.Requests, () => new Measurement<long>(Volatile.Read(ref counters.Requests), peer), "{request}",
            "Requests sent that wait for a reply");
        Meter.CreateObservableCounter(PeerInstruments.Timeouts, () => new Measurement<long>(Volatile.Read(ref counters.Timeouts), peer), "{request}",
            "Requests that got no reply in time");
        Meter.CreateObservableCounter(PeerInstruments.LateReplies, () => new Measurement<long>(Volatile.Read(ref counters.LateReplies), peer), "{message}",
            "Replies that came after their request had timed out");
        // No unit: a Prometheus exporter would turn the unit "1" into a _ratio suffix.
        Meter.CreateObservableGauge(PeerInstruments.Connected, () => new Measurement<int>(isConnected() ? 1 : 0, peer), unit: null,
            "1 while the router answers heartbeats, else 0");
    }

    /// <summary>The meter; tests listen to this one only.</summary>
    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();
}
