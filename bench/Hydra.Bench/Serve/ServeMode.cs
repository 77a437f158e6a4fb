using System.Globalization;
using Hydra.Routing;
using Hydra.Transport;
using Hydra.Transport.NetMQ;

namespace Hydra.Bench.Serve;

/// <summary>
/// <c>Hydra.Bench serve hydra|hydra-table|raw|raw-libzmq [--transport auto|libzmq|netmq] [--cluster URL --cluster-name N --router-id ID]</c>: a router under test, in a process of its own so its
/// memory and allocations are its own. Prints <c>READY main hb</c>, then answers one line per
/// command on standard input: <c>stats</c> (counters and allocated bytes) and <c>mem</c>
/// (managed heap after a full collection). Exits when standard input closes.
/// <c>hydra-table</c> is Hydra with a big client table (<see cref="BusyTable"/>) and the terminal
/// app's sampler reading it twice a second.
/// </summary>
internal static class ServeMode
{
    /// <summary>Clients in the hydra-table router's table.</summary>
    public const int BusyTable = 10_000;

    /// <param name="kind">hydra, hydra-table, raw or raw-libzmq.</param>
    /// <param name="highWatermark">The Hydra router's high-water mark.</param>
    /// <param name="pool">NetMQ's pooled buffers.</param>
    /// <param name="transport">The Hydra router's transport.</param>
    /// <param name="cluster">For a router of a cluster: its options (NATS URL, cluster name, router id).</param>
    public static async Task<int> RunAsync(string kind, int highWatermark, bool pool, HydraTransport transport = HydraTransport.Auto, Hydra.Cluster.ClusterOptions? cluster = null)
    {
        var busyTable = kind == "hydra-table";
        // In a cluster, tell NATS.Net's allocations on the routing thread from Hydra's own.
        Hydra.Cluster.Nats.NatsFederation.MeasureNatsAllocations = cluster is not null;
        await using var hydra = kind is "hydra" or "hydra-table" or "hydra-metrics"
            ? new RouterEngine(new RouterOptions
            {
                Address = "127.0.0.1", Port = 0, HeartbeatPort = 0, HighWatermark = highWatermark, PoolBuffers = pool, Transport = transport,
                PruneAfter = busyTable ? TimeSpan.FromHours(1) : RouterOptions.Default.PruneAfter,
                Cluster = cluster,
            })
            : null;
        using var raw = kind == "raw" ? new RawForwarder() : null;
        using var rawLibZmq = kind == "raw-libzmq" ? new Hydra.Tests.Transport.LibZmq.LibZmqForwarder() : null;
        if (hydra is null && raw is null && rawLibZmq is null)
        {
            await Console.Error.WriteLineAsync($"unknown router kind '{kind}' (hydra, hydra-table, raw or raw-libzmq)");
            return 2;
        }
        using var sampler = Environment.GetEnvironmentVariable("HYDRA_BENCH_ALLOC_SAMPLES") == "1" ? new AllocationSampler() : null;
        if (hydra is not null)
        {
            await hydra.StartAsync();
        }
        if (cluster is not null && !await JoinedAsync(hydra!))
        {
            await Console.Error.WriteLineAsync($"could not join the cluster over NATS at {cluster.Urls}");
            return 2;
        }
        using var stopSampler = new CancellationTokenSource();
        var sampling = Task.CompletedTask;
        // As `hydra router --metrics-port` runs it, scraped far more often than Prometheus would (every 15 s by default).
        using var export = kind == "hydra-metrics"
            ? Telemetry.MetricsExport.Start(new Telemetry.MetricsExportOptions { PrometheusPort = 0, PrometheusAddress = "127.0.0.1" })
            : null;
        await using var scraper = export is null ? null : new Scraper(export.ScrapeUrl!, TimeSpan.FromSeconds(1));
        if (busyTable)
        {
            await hydra!.FillTableAsync(BusyTable);
            sampling = SampleLikeTheTerminalAppAsync(hydra, stopSampler.Token);
        }
        Console.WriteLine($"READY {hydra?.Port ?? raw?.Port ?? rawLibZmq!.Port} {hydra?.HeartbeatPort ?? raw?.HeartbeatPort ?? rawLibZmq!.HeartbeatPort}");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            var answer = command.Trim() switch
            {
                "stats" => await StatsAsync(hydra, raw, rawLibZmq),
                "samples" => $"SAMPLES {sampler?.Report()}",
                "mem" => Invariant($"MEM heap={GC.GetTotalMemory(forceFullCollection: true)}"),
                _ => "ERR unknown command",
            };
            Console.WriteLine(answer);
        }
        await stopSampler.CancelAsync();
        await sampling;
        return 0;
    }

    /// <summary>What the terminal router app does: read the whole client table twice a second.</summary>
    private static async Task SampleLikeTheTerminalAppAsync(RouterEngine hydra, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                _ = await hydra.GetClientsAsync(stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<bool> JoinedAsync(RouterEngine router)
    {
        for (var i = 0; i < 200 && router.ClusterStats is not { Available: true }; i++)
        {
            await Task.Delay(50);
        }
        return router.ClusterStats is { Available: true };
    }

    private static async Task<string> StatsAsync(RouterEngine? hydra, RawForwarder? raw, Hydra.Tests.Transport.LibZmq.LibZmqForwarder? rawLibZmq)
    {
        var pollerAllocated = hydra is not null ? await hydra.GetLoopAllocatedBytesAsync() : rawLibZmq?.RoutingThreadAllocatedBytes ?? -1;
        var natsAllocated = hydra is null ? 0 : await hydra.GetNatsAllocatedBytesAsync();
        var routed = hydra?.Stats.Routed ?? raw?.Routed ?? rawLibZmq!.Routed;
        var errors = hydra?.Stats.TotalErrors ?? 0;
        var undelivered = hydra?.Stats.RepliesNotDelivered ?? 0;
        return Invariant($"STATS routed={routed} errors={errors} undelivered_replies={undelivered} poller_alloc={pollerAllocated} process_alloc={GC.GetTotalAllocatedBytes(precise: true)} gc0={GC.CollectionCount(0)} gc2={GC.CollectionCount(2)} pooled_out={NetMQPools.BuffersOutstanding} nats_alloc={natsAllocated} resent={hydra?.ClusterStats?.Resent ?? 0}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
