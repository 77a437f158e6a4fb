using System.Diagnostics.Metrics;
using Hydra.Cluster;
using static Hydra.HydraMeters;

namespace Hydra.Observability;

/// <summary>
/// The cluster's instruments on the <see cref="HydraMeters.Router"/> meter, added only to a router
/// in a cluster (a lone router shows none). Observable, like the rest: they read the federation's
/// stats when a listener collects; the link instruments have one measurement per other router.
/// </summary>
internal static class ClusterMetrics
{
    public static void AddTo(Meter meter, Func<ClusterStats?> read)
    {
        meter.CreateObservableCounter(RouterInstruments.ClusterSent, () => read()?.SentToRouters ?? 0, "{message}",
            "Messages from peers here sent on to other routers");
        meter.CreateObservableCounter(RouterInstruments.ClusterReceived, () => read()?.ReceivedFromRouters ?? 0, "{message}",
            "Messages from peers on other routers delivered here");
        meter.CreateObservableCounter(RouterInstruments.ClusterRefused, () => read()?.RefusedElsewhere ?? 0, "{message}",
            "Messages sent on to other routers that came back refused");
        meter.CreateObservableCounter(RouterInstruments.ClusterNotConfirmed, () => read()?.NotConfirmed ?? 0, "{message}",
            "Messages sent on whose router stopped answering before it confirmed them; each sender was told not_confirmed");
        meter.CreateObservableCounter(RouterInstruments.ClusterResent, () => read()?.Resent ?? 0, "{entry}",
            "Link entries sent again to other routers");
        meter.CreateObservableUpDownCounter(RouterInstruments.ClusterRouters, () => read()?.Routers ?? 0, "{router}",
            "Routers reachable now, this one included");
        meter.CreateObservableGauge(RouterInstruments.ClusterAvailable, () => read() is { Available: true } ? 1 : 0, unit: null,
            "1 while this router's NATS connection is up, else 0");
        meter.CreateObservableGauge(RouterInstruments.ClusterLinkUp, () => PerLink(read(), link => link.State == ClusterLinkState.Up ? 1 : 0), unit: null,
            "Per other router: 1 while the link to it is up, else 0");
        meter.CreateObservableGauge(RouterInstruments.ClusterLinkUnconfirmed, () => PerLink(read(), link => link.UnconfirmedBytes), "By",
            "Per other router: bytes sent to it and not yet confirmed");
    }

    private static IEnumerable<Measurement<long>> PerLink(ClusterStats? stats, Func<LinkStats, long> value) =>
        (stats?.Links ?? []).Select(link => new Measurement<long>(value(link), new KeyValuePair<string, object?>(RouterTag, link.Router)));
}
