using Hydra.Observability;
using Hydra.Routing;

namespace Hydra;

// The Hydra.Router meter (Observability/RouterMetrics): it lives while the router runs. Its
// counters are the ones routing keeps anyway; only the client count by status needs the table,
// which belongs to the routing thread: the collector asks that thread for the member list (the
// same array while nobody comes or goes) and reads the statuses on its own thread.
public sealed partial class RouterEngine
{
    /// <summary>How long a collector waits for the routing thread before reporting the last counts.</summary>
    private static readonly TimeSpan ClientCountWait = TimeSpan.FromSeconds(1);

    private RouterMetrics? _metrics;
    private volatile ClientStatusCounts _lastClientCounts = ClientStatusCounts.None;

    /// <summary>The meter while running (tests listen to this one only).</summary>
    internal RouterMetrics? Metrics => _metrics;

    private void StartMetrics()
    {
        _metrics = new RouterMetrics(_counters, () => TraceSkipped, CountClientsByStatus);
        if (_federation is not null)
        {
            // In a cluster only: a lone router shows none of these (docs/operations.md).
            ClusterMetrics.AddTo(_metrics.Meter, () => _federation.Stats);
        }
    }

    private void StopMetrics() => _metrics?.Dispose();

    /// <summary>Collector thread. A busy or stopping router answers with the last counts rather than hold the collector up.</summary>
    private ClientStatusCounts CountClientsByStatus()
    {
        try
        {
            var members = OnLoopAsync(_clients.Members, CancellationToken.None);
            if (members.Wait(ClientCountWait))
            {
                _lastClientCounts = _rows.CountByStatus(members.Result);
            }
        }
        catch (Exception e) when (e is HydraException or AggregateException or ObjectDisposedException)
        {
            // stopping: the last counts stand
        }
        return _lastClientCounts;
    }
}
