using Hydra.Cluster;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hydra.Hosting;

/// <summary>Healthy while the router is listening.</summary>
internal sealed class RouterHealthCheck(RouterEngine router) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!router.IsRunning)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "the router is not running"));
        }
        var stats = router.Stats;
        var data = new Dictionary<string, object>
        {
            ["port"] = router.Port,
            ["heartbeat_port"] = router.HeartbeatPort,
            ["transport"] = router.TransportName,
            ["clients"] = stats.Clients,
        };
        return Task.FromResult(HealthCheckResult.Healthy(
            $"listening on tcp://{router.Options.Address}:{router.Port} (heartbeats on {router.HeartbeatPort}), {stats.Clients} clients", data));
    }
}

/// <summary>
/// The router's cluster: healthy alone or with every link up; the failure status without NATS
/// (the router routes its own peers only); degraded while another router is unreachable.
/// </summary>
internal sealed class ClusterHealthCheck(RouterEngine router) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (router.ClusterStats is not { } cluster)
        {
            return Task.FromResult(HealthCheckResult.Healthy("not in a cluster"));
        }
        var data = new Dictionary<string, object>
        {
            ["router_id"] = cluster.RouterId,
            ["routers"] = cluster.Routers,
            ["links_up"] = cluster.Links.Count(l => l.State == ClusterLinkState.Up),
            ["links"] = cluster.Links.Count,
        };
        if (!router.IsRunning)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "the router is not running", data: data));
        }
        if (!cluster.Available)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"router {cluster.RouterId} has no NATS connection: it routes its own peers only", data: data));
        }
        var down = cluster.Links.Where(l => l.State != ClusterLinkState.Up).ToList();
        if (down.Count > 0)
        {
            var which = string.Join("; ", down.Select(l => l.State == ClusterLinkState.Unknown ? $"{l.Router}: never up yet" : $"{l.Router}: {l.Why ?? "down"}"));
            return Task.FromResult(HealthCheckResult.Degraded($"{down.Count} of {cluster.Links.Count} links down ({which})", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy($"router {cluster.RouterId} on {cluster.Server}, {cluster.Routers} routers reachable", data));
    }
}

/// <summary>Healthy while the peer's router answers its heartbeats.</summary>
internal sealed class PeerHealthCheck(HydraMQ peer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var where = $"{peer.Options.RouterAddress}:{peer.Options.RouterPort}";
        if (!peer.IsStarted)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{peer.Identity} is not started"));
        }
        return Task.FromResult(peer.IsConnected
            ? HealthCheckResult.Healthy($"{peer.Identity} connected to the router at {where}")
            : new HealthCheckResult(context.Registration.FailureStatus, $"{peer.Identity} gets no heartbeat reply: {peer.DescribeConnection()}"));
    }
}
