using System.Diagnostics.Metrics;
using Hydra.Observability;
using static Hydra.Observability.HydraMeters;

namespace Hydra.Tests.Observability;

/// <summary>The cluster's instruments read what the federation counts, when it is collected. (Through real routers over NATS: Cluster/ClusterMeterTests, with the cluster.)</summary>
public sealed class ClusterMeterTests
{
    [Fact]
    public void The_cluster_instruments_follow_the_federations_counters()
    {
        using var meter = new Meter(HydraMeters.Router);
        var reading = new ClusterReading(Available: true, Routers: 3, Sent: 5, Received: 7, Refused: 1, PublishFailures: 0);
        ClusterMetrics.AddTo(meter, () => reading);
        using var reader = new MeterReader(meter);
        Assert.Equal((5L, 7L, 1L, 0L, 3L, 1L), Read(reader));

        reading = reading with { Available = false, Routers = 1, Sent = 6 };
        Assert.Equal((6L, 7L, 1L, 0L, 1L, 0L), Read(reader));
    }

    private static (long, long, long, long, long, long) Read(MeterReader reader) =>
        (reader.Read(RouterInstruments.ClusterSent), reader.Read(RouterInstruments.ClusterReceived), reader.Read(RouterInstruments.ClusterRefused),
         reader.Read(RouterInstruments.ClusterPublishFailures), reader.Read(RouterInstruments.ClusterRouters), reader.Read(RouterInstruments.ClusterAvailable));
}
