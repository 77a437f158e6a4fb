using System.Globalization;
using Hydra;
using Hydra.Bench.Serve;
using Hydra.Bench.Suite;
using NetMQ;

// Hydra.Bench: the router load benchmark.
//   dotnet run -c Release --project bench/Hydra.Bench              full suite (a few minutes)
//   dotnet run -c Release --project bench/Hydra.Bench -- --smoke   quick check for CI (< 60 s), exit 1 on any loss
//   Hydra.Bench serve hydra|raw|raw-libzmq [--hwm N] [--transport T] [--cluster URL --cluster-name N --router-id ID]
//                                                                   a router under test (started by the suite)
//   Hydra.Bench --peers N [--per-process 2500] [--peers-interval S] [--repeats N] [--seconds S]
//                                                                   N idle peers on Hydra and the C++ anchor, from several load processes (issue 19)
//   Hydra.Bench peers-child ...                                    one of those load processes (started by --peers)
//   Hydra.Bench sender [--seconds S] [--repeats N]                 only the HydraMQ-peer sender runs (libzmq and NetMQ peers)
//   Hydra.Bench chart REPORT.md OUT.svg                            draws a saved report's throughput table
// Other flags: --repeats N, --seconds S, --window N (messages in flight per pair), --no-python, --out FILE (also write the report there),
//   --no-cluster (leave out the two-router cluster over nats-server),
//   --cluster-only (only the cluster: local against cross with the C++ load generator, and NATS alone; issue 16),
//   --cluster-chart FILE (that part's chart, SVG; default: --chart with --cluster-only, else next to --out, else bench-cluster.svg),
//   --hwm N (the Hydra router's high-water mark; below the window it must answer busy, and the run fails),
//   --no-pool (NetMQ's default allocate-per-frame buffers everywhere, to show what pooling saves),
//   --baseline PATH (another build's Hydra.Bench.dll: its Hydra router is measured beside this one, for before/after figures),
//   --chart FILE (the throughput chart, SVG; default: next to --out, else bench-throughput.svg),
//   --routers a,b (only these: hydra, hydra-netmq, cluster, raw, raw-libzmq, anchor, hydra-table, python, python-sync).

// 1,000 idle peers use two sockets each; NetMQ's default limit is 1,024 sockets a process.
NetMQConfig.MaxSockets = 8192;
// Every process here (load generator, Hydra, raw forwarder) gets the same pooled NetMQ frame
// buffers that RouterOptions.PoolBuffers gives the router, so the comparison is like for like
// and the load generator does not spend the shared cores on garbage collection.
if (!args.Contains("--no-pool"))
{
    Hydra.Transport.NetMQ.NetMQPools.Install();
}
try
{
    if (args is ["serve", var kind, ..])
    {
        var cluster = StringFlag(args, "--cluster") is { } urls
            ? new Hydra.Cluster.ClusterOptions { Urls = urls, Name = StringFlag(args, "--cluster-name") ?? "bench", RouterId = StringFlag(args, "--router-id") ?? "bench" }
            : null;
        var transport = StringFlag(args, "--transport") is { } t ? Enum.Parse<HydraTransport>(t, ignoreCase: true) : HydraTransport.Auto;
        return await ServeMode.RunAsync(kind, IntFlag(args, "--hwm") ?? 10_000, pool: !args.Contains("--no-pool"), transport, cluster);
    }
    if (args is ["chart", var savedReport, var svg])
    {
        ThroughputChart.Redraw(savedReport, svg);
        return 0;
    }
    if (args is ["peers-child", ..])
    {
        return Hydra.Bench.Peers.PeersChild.Run(IntFlag(args, "--count")!.Value, StringFlag(args, "--names")!, IntFlag(args, "--port")!.Value,
            IntFlag(args, "--heartbeat-port")!.Value, TimeSpan.FromSeconds(DoubleFlag(args, "--interval")!.Value), args.Contains("--one-port"));
    }
    if (IntFlag(args, "--peers") is { } manyPeers)
    {
        // Issue 19: that many idle peers on Hydra and on the C++ anchor, from several load processes.
        var interval = DoubleFlag(args, "--peers-interval") is { } pi ? TimeSpan.FromSeconds(pi) : RouterOptions.Default.HeartbeatInterval;
        return new Hydra.Bench.Peers.ManyPeersMode(manyPeers, IntFlag(args, "--per-process") ?? 2_500, interval,
            IntFlag(args, "--repeats") ?? 3, TimeSpan.FromSeconds(DoubleFlag(args, "--seconds") ?? 3), Console.Out).Run();
    }
    if (args is ["sender", ..])
    {
        return await SenderMode.RunAsync(DoubleFlag(args, "--seconds") ?? 3, IntFlag(args, "--repeats") ?? 3);
    }
    var settings = args.Contains("--smoke") ? BenchSettings.Quick : BenchSettings.Full;
    settings = settings with
    {
        Repeats = IntFlag(args, "--repeats") ?? settings.Repeats,
        ThroughputDuration = DoubleFlag(args, "--seconds") is { } s ? TimeSpan.FromSeconds(s) : settings.ThroughputDuration,
        IncludePython = !args.Contains("--no-python"),
        PoolBuffers = !args.Contains("--no-pool"),
        HighWatermark = IntFlag(args, "--hwm") ?? settings.HighWatermark,
        Window = IntFlag(args, "--window") ?? settings.Window,
        IncludeCluster = !args.Contains("--no-cluster"),
        ClusterOnly = args.Contains("--cluster-only"),
        BaselineBench = StringFlag(args, "--baseline") is { } baseline ? Path.GetFullPath(baseline) : null,
        OnlyRouters = StringFlag(args, "--routers") is { } only ? only.Split(',').ToHashSet() : null,
        // --metrics: also a Hydra router exporting its metrics at /metrics, scraped every second, beside the plain one.
        Metrics = args.Contains("--metrics"),
    };
    var outFile = StringFlag(args, "--out");
    var report = new StringWriter();
    var output = new TeeWriter(Console.Out, report);
    var chart = StringFlag(args, "--chart") ?? (outFile is null ? "bench-throughput.svg" : Path.ChangeExtension(outFile, null) + "-throughput.svg");
    var clusterChart = StringFlag(args, "--cluster-chart")
        ?? (settings.ClusterOnly ? StringFlag(args, "--chart") : null)
        ?? (outFile is null ? "bench-cluster.svg" : Path.ChangeExtension(outFile, null) + "-cluster.svg");
    var exitCode = await new SuiteRunner(settings, output, settings.Smoke && StringFlag(args, "--chart") is null ? null : Path.GetFullPath(chart), Path.GetFullPath(clusterChart)).RunAsync();
    if (outFile is not null)
    {
        await File.WriteAllTextAsync(outFile, report.ToString());
    }
    return exitCode;
}
finally
{
    HydraTransports.Cleanup();
}

static string? StringFlag(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static int? IntFlag(string[] args, string name) =>
    StringFlag(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;

static double? DoubleFlag(string[] args, string name) =>
    StringFlag(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
