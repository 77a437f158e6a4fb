using Hydra.Cluster;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;

namespace Hydra.Tests.Cluster;

/// <summary>Real routers in this process joined as one cluster over a real nats-server, with short intervals.</summary>
internal static class ClusterRouters
{
    /// <summary>A cluster name of its own per test, so tests sharing NATS never see each other.</summary>
    public static string NewName() => "t" + Guid.NewGuid().ToString("N")[..10];

    public static ClusterOptions Options(string urls, string cluster, string routerId) => new()
    {
        Urls = urls,
        Name = cluster,
        RouterId = routerId,
        GatherTimeout = TimeSpan.FromSeconds(3),
    };

    public static RouterEngine Start(string urls, string cluster, string routerId, RouterOptions? options = null, Func<ClusterOptions, ClusterOptions>? tune = null) =>
        TestRouter.Start((options ?? new RouterOptions()) with { Cluster = (tune ?? (c => c))(Options(urls, cluster, routerId)) });

    /// <summary>The cluster over NATS.Net (as for tls://, ws:// and credentials files), instead of the router's own connection.</summary>
    public static ClusterOptions OverNatsNet(ClusterOptions options) =>
        options with { Federation = static (o, time, logs) => new Hydra.Cluster.Nats.NatsFederation(o, time, logs) };

    /// <summary>Starts one router per id and waits until each knows all the others.</summary>
    public static Task<RouterEngine[]> StartAllAsync(string urls, params string[] routerIds) => StartAllAsync(urls, tune: null, routerIds);

    /// <inheritdoc cref="StartAllAsync(string, string[])"/>
    public static async Task<RouterEngine[]> StartAllAsync(string urls, Func<ClusterOptions, ClusterOptions>? tune, params string[] routerIds)
    {
        var cluster = NewName();
        var routers = routerIds.Select(id => Start(urls, cluster, id, tune: tune)).ToArray();
        await WaitForRoutersAsync(routers, routers.Length);
        return routers;
    }

    public static Task WaitForRoutersAsync(IEnumerable<RouterEngine> routers, int count, TimeSpan? deadline = null) =>
        Task.WhenAll(routers.Select(router => Eventually.TrueAsync(
            () => router.ClusterStats is { Available: true, Settled: true } stats && stats.Routers == count,
            $"router {router.ClusterStats?.RouterId} to see {count} routers", deadline ?? TimeSpan.FromSeconds(30))));

    /// <summary>Waits until <paramref name="viewer"/>'s cluster-wide table shows <paramref name="identity"/> on <paramref name="router"/>.</summary>
    public static Task<IReadOnlyList<ClientInfo>> WaitForClientAsync(RouterEngine viewer, string identity, string router, TimeSpan? deadline = null) =>
        Eventually.ValueAsync(() => viewer.GetClusterClientsAsync(),
            rows => rows.Any(r => r.Identity == identity && r.Router == router && r.Connected),
            $"{identity} on router {router} in the cluster's table", deadline ?? TimeSpan.FromSeconds(30));

    /// <summary>
    /// A request across the cluster that may first meet unknown_target (a claim on its way) or
    /// cluster_unavailable (NATS reconnecting); retried until it is answered.
    /// </summary>
    public static Task<HydraMsg> RequestUntilAnsweredAsync(HydraMQ from, string target, string method = "ping", TimeSpan? deadline = null) =>
        Eventually.ValueAsync(async () =>
        {
            try
            {
                return await from.RequestAsync(from.CreateMessage(target, method));
            }
            catch (HydraRemoteException e) when (e.Code is HydraErrorCode.UnknownTarget or HydraErrorCode.ClusterUnavailable)
            {
                return null;
            }
        }, reply => reply is not null, $"an answer from {target}", deadline ?? TimeSpan.FromSeconds(30))!;

    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> things)
    {
        foreach (var thing in things)
        {
            await thing.DisposeAsync();
        }
    }
}
