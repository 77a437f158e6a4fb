using Hydra.Cluster.InMemory;
using Hydra.Hosting;
using Hydra.Testing;
using Hydra.Tests.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Hydra.Tests.Hosting;

/// <summary>The hydra-cluster check of a hosted router joined to another over a real nats-server.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HostedClusterHealthTests
{
    [Fact]
    public async Task Cluster_check_is_degraded_while_a_link_to_another_router_is_down()
    {
        var memory = new InMemoryCluster();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hydra:Router:Address"] = "127.0.0.1",
            ["Hydra:Router:Port"] = "0",
            ["Hydra:Router:HeartbeatPort"] = "0",
        });
        builder.Services.AddHydraRouter(o => o with { Cluster = memory.Options("hosted-a") }); // NATS played in memory
        builder.Services.AddHealthChecks().AddHydraRouterChecks();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        await using var other = TestRouter.Start(new RouterOptions { Cluster = memory.Options("plain-b") });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        bool ClusterOnly(HealthCheckRegistration r) => r.Name == HydraHealthChecksBuilderExtensions.ClusterCheck;
        await Eventually.ValueAsync(() => health.CheckHealthAsync(ClusterOnly, deadline.Token),
            r => r.Status == HealthStatus.Healthy && r.Entries.Values.Single().Description!.Contains("2 routers reachable", StringComparison.Ordinal),
            "the cluster check to see both routers", TimeSpan.FromSeconds(20));

        memory.Members.Single(m => m.RouterId == "plain-b").Available = false; // b loses NATS: a stops hearing it

        var degraded = await Eventually.ValueAsync(() => health.CheckHealthAsync(ClusterOnly, deadline.Token),
            r => r.Status == HealthStatus.Degraded, "the cluster check to see the link down", TimeSpan.FromSeconds(20));
        Assert.StartsWith("1 of 1 links down (plain-b: ", degraded.Entries[HydraHealthChecksBuilderExtensions.ClusterCheck].Description, StringComparison.Ordinal);
        await host.StopAsync(deadline.Token);
    }

    [NatsFact]
    public async Task Cluster_check_is_healthy_with_the_other_router_reachable_and_fails_when_NATS_is_gone()
    {
        await using var nats = await NatsServer.StartAsync();
        var cluster = ClusterRouters.NewName();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hydra:Router:Address"] = "127.0.0.1",
            ["Hydra:Router:Port"] = "0",
            ["Hydra:Router:HeartbeatPort"] = "0",
            ["Hydra:Router:Cluster:Urls"] = nats.Url,
            ["Hydra:Router:Cluster:Name"] = cluster,
            ["Hydra:Router:Cluster:RouterId"] = "hosted-a",
        });
        builder.Services.AddHydraRouter();
        builder.Services.AddHealthChecks().AddHydraRouterChecks();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        await using var other = ClusterRouters.Start(nats.Url, cluster, "plain-b");
        var health = host.Services.GetRequiredService<HealthCheckService>();
        bool ClusterOnly(HealthCheckRegistration r) => r.Name == HydraHealthChecksBuilderExtensions.ClusterCheck;

        var up = await Eventually.ValueAsync(() => health.CheckHealthAsync(ClusterOnly, deadline.Token),
            r => r.Status == HealthStatus.Healthy && r.Entries.Values.Single().Description!.Contains("2 routers reachable", StringComparison.Ordinal),
            "the cluster check to see both routers", TimeSpan.FromSeconds(20));
        var entry = up.Entries[HydraHealthChecksBuilderExtensions.ClusterCheck];
        Assert.StartsWith("router hosted-a on 127.0.0.1:", entry.Description, StringComparison.Ordinal);
        Assert.Equal((1, 1), ((int)entry.Data["links_up"], (int)entry.Data["links"]));

        await nats.KillAsync();
        var down = await Eventually.ValueAsync(() => health.CheckHealthAsync(ClusterOnly, deadline.Token),
            r => r.Status == HealthStatus.Unhealthy, "the cluster check to fail without NATS", TimeSpan.FromSeconds(20));
        Assert.Equal("router hosted-a has no NATS connection: it routes its own peers only", down.Entries[HydraHealthChecksBuilderExtensions.ClusterCheck].Description);
        await host.StopAsync(deadline.Token);
    }
}
