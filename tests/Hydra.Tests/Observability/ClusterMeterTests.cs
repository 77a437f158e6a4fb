using System.Diagnostics.Metrics;
using Hydra.Cluster;
using Hydra.Observability;
using static Hydra.HydraMeters;

namespace Hydra.Tests.Observability;

/// <summary>The cluster's instruments read the federation's stats when collected, one link measurement per other router. (Through real routers over NATS: Cluster/.)</summary>
public sealed class ClusterMeterTests
{
    [Fact]
    public void The_cluster_instruments_follow_the_federations_stats_and_show_each_link()
    {
        using var meter = new Meter(HydraMeters.Router);
        var stats = new ClusterStats("a", Available: true, Routers: 3, SentToRouters: 5, ReceivedFromRouters: 7, RefusedElsewhere: 1, NotConfirmed: 2, Resent: 4,
            Server: "127.0.0.1:4222", Links: [Link("b", ClusterLinkState.Up, 300), Link("c", ClusterLinkState.Up, 0)]);
        ClusterMetrics.AddTo(meter, () => stats);
        using var reader = new MeterReader(meter);
        Assert.Equal((5L, 7L, 1L, 2L, 4L, 3L, 1L), Read(reader));
        Assert.Equal(1, reader.Read(RouterInstruments.ClusterLinkUp, (RouterTag, "b")));
        Assert.Equal(300, reader.Read(RouterInstruments.ClusterLinkUnconfirmed, (RouterTag, "b")));

        stats = stats with { Available = false, Routers = 1, SentToRouters = 6, Links = [Link("b", ClusterLinkState.Down, 0), Link("c", ClusterLinkState.Down, 0)] };
        Assert.Equal((6L, 7L, 1L, 2L, 4L, 1L, 0L), Read(reader));
        Assert.Equal(0, reader.Read(RouterInstruments.ClusterLinkUp, (RouterTag, "b")));
    }

    private static LinkStats Link(string router, ClusterLinkState state, long unconfirmedBytes) =>
        new(router, state, TimeSpan.FromSeconds(1), null, 0, unconfirmedBytes, 0, 0, 0, 0, 0, 0);

    private static (long, long, long, long, long, long, long) Read(MeterReader reader) =>
        (reader.Read(RouterInstruments.ClusterSent), reader.Read(RouterInstruments.ClusterReceived), reader.Read(RouterInstruments.ClusterRefused),
         reader.Read(RouterInstruments.ClusterNotConfirmed), reader.Read(RouterInstruments.ClusterResent), reader.Read(RouterInstruments.ClusterRouters),
         reader.Read(RouterInstruments.ClusterAvailable));
}
