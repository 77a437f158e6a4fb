using System.Diagnostics.Metrics;
using static Hydra.Observability.HydraMeters;

namespace Hydra.Observability;

/// <summary>What a router in a cluster counts about the other routers, as the cluster's instruments read it.</summary>
/// <param name="Available">Whether the other routers can be reached now.</param>
/// <param name="Routers">Routers known, this one included.</param>
/// <param name="Sent">Messages from peers here sent on to other routers.</param>
/// <param name="Received">Messages from peers on other routers delivered here.</param>
/// <param name="Refused">Messages sent on that came back refused.</param>
/// <param name="PublishFailures">Messages the NATS client failed to send after taking them.</param>
internal sealed record ClusterReading(bool Available, int Routers, long Sent, long Received, long Refused, long PublishFailures);

/// <summary>
/// The cluster's instruments on the <see cref="HydraMeters.Router"/> meter, added only to a router
/// in a cluster (a lone router shows none). Observable, like the rest: they read the federation's
/// own counters when a listener collects.
/// </summary>
internal static class ClusterMetrics
{
    public static void AddTo(Meter meter, Func<ClusterReading?> read)
    {
        meter.CreateObservableCounter(RouterInstruments.ClusterSent, () => read()?.Sent ?? 0, "{message}",
            "Messages from peers here sent on to other routers");
        meter.CreateObservableCounter(RouterInstruments.ClusterReceived, () => read()?.Received ?? 0, "{message}",
            "Messages from peers on other routers delivered here");
        meter.CreateObservableCounter(RouterInstruments.ClusterRefused, () => read()?.Refused ?? 0, "{message}",
            "Messages sent on to other routers that came back refused");
        meter.CreateObservableCounter(RouterInstruments.ClusterPublishFailures, () => read()?.PublishFailures ?? 0, "{message}",
            "Messages the NATS client failed to send after taking them");
        meter.CreateObservableUpDownCounter(RouterInstruments.ClusterRouters, () => read()?.Routers ?? 0, "{router}",
            "Routers in the cluster, this one included");
        meter.CreateObservableGauge(RouterInstruments.ClusterAvailable, () => read() is { Available: true } ? 1 : 0, unit: null,
            "1 while the other routers can be reached, else 0");
    }
}
