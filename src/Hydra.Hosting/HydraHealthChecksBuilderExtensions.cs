using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hydra.Hosting;

/// <summary>
/// Health checks for the router and the peer that <c>AddHydraRouter</c> and <c>AddHydraPeer</c>
/// (<see cref="HydraServiceCollectionExtensions"/>) add:
/// <c>services.AddHealthChecks().AddHydraRouterChecks().AddHydraPeerCheck()</c>.
/// </summary>
public static class HydraHealthChecksBuilderExtensions
{
    /// <summary>The router's check: healthy while it is listening.</summary>
    public const string RouterCheck = "hydra-router";

    /// <summary>The cluster's check: healthy alone or with every link up, degraded while a link is down, failing without NATS.</summary>
    public const string ClusterCheck = "hydra-cluster";

    /// <summary>The peer's check: healthy while its router answers heartbeats (one within 2 heartbeat intervals).</summary>
    public const string PeerCheck = "hydra-peer";

    /// <summary>Adds <see cref="RouterCheck"/> and <see cref="ClusterCheck"/> for the router added with <c>AddHydraRouter</c>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="failureStatus">The status reported when a check fails; <see cref="HealthStatus.Unhealthy"/> when null.</param>
    /// <param name="tags">Tags for filtering the checks, e.g. for a readiness endpoint.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddHydraRouterChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(new HealthCheckRegistration(RouterCheck, sp => new RouterHealthCheck(sp.GetRequiredService<RouterEngine>()), failureStatus, tags));
        builder.Add(new HealthCheckRegistration(ClusterCheck, sp => new ClusterHealthCheck(sp.GetRequiredService<RouterEngine>()), failureStatus, tags));
        return builder;
    }

    /// <summary>Adds <see cref="PeerCheck"/> for the peer added with <c>AddHydraPeer</c>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="failureStatus">The status reported when the check fails; <see cref="HealthStatus.Unhealthy"/> when null.</param>
    /// <param name="tags">Tags for filtering the checks.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddHydraPeerCheck(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(new HealthCheckRegistration(PeerCheck, sp => new PeerHealthCheck(sp.GetRequiredService<HydraMQ>()), failureStatus, tags));
        return builder;
    }
}
