using System.Diagnostics;
using Hydra.Bench.Load;

namespace Hydra.Bench.Suite;

/// <summary>
/// Runs every scenario through every router (Hydra, the raw NetMQ forwarder, the Python
/// router), interleaved so that a noisy moment on the shared machine does not hit one router
/// only, then prints the tables. Any loss, duplicate, reorder or error reply is a failure.
/// </summary>
internal sealed partial class SuiteRunner(BenchSettings settings, TextWriter output, string? chartPath = null, string? clusterChartPath = null)
{
    private readonly string? _chartPath = chartPath;
    private readonly string? _clusterChartPath = clusterChartPath;
    private readonly List<string> _failures = [];
    private readonly Dictionary<(string Load, string Router), List<ThroughputSample>> _throughput = [];
    private readonly Dictionary<string, List<LatencyResult>> _latency = [];
    private readonly Dictionary<string, IdleSample> _idle = [];
    private readonly IntegrityTally _tally = new();
    private readonly Dictionary<string, List<double>> _loadCpu = [];
    private readonly bool _libZmq = Hydra.Transport.LibZmq.LibZmqRuntime.IsUsable(needsCurve: false, out _);
    private readonly string? _libZmqWhyNot = Hydra.Transport.LibZmq.LibZmqRuntime.IsUsable(needsCurve: false, out var whyNot) ? null : whyNot;
    private CppAnchors? _cpp;
    private int _runNumber;

    public async Task<int> RunAsync()
    {
        if (settings.ClusterOnly)
        {
            return await RunClusterOnlyAsync();
        }
        var clock = Stopwatch.StartNew();
        var names = new List<string> { Routers.Hydra };
        if (settings.BaselineBench is not null)
        {
            names.Add(Routers.Baseline);
        }
        if (_libZmq)
        {
            names.Add(Routers.HydraNetMQ);
        }
        names.Add(Routers.Raw);
        if (_libZmq)
        {
            names.Add(Routers.RawLibZmq);
        }
        else
        {
            output.WriteLine($"note: libzmq is not available ({_libZmqWhyNot}): Hydra runs on NetMQ, and the load generator too");
        }
        if (!settings.Smoke)
        {
            _cpp = CppAnchors.Build();
            if (_cpp.AnchorRouter is not null)
            {
                names.Add(Routers.Anchor);
            }
            else
            {
                output.WriteLine($"note: the C++ anchor is not measured: {_cpp.WhyNot}");
            }
        }
        if (settings.Metrics)
        {
            names.Insert(1, Routers.Metrics);
        }
        names.Add(Routers.BusyTable);
        if (settings.IncludePython && PythonHasZmq())
        {
            names.AddRange(new[] { Routers.Python, Routers.PythonSync }.Where(RouterProcess.ScriptExists));
        }
        else
        {
            output.WriteLine("note: the Python routers are not measured (python3 with zmq not available, or --no-python)");
        }
        if (settings.OnlyRouters is { } only)
        {
            // Hydra stays (every ratio is against it), and so does the baseline build when one is given.
            names.RemoveAll(n => n is not (Routers.Hydra or Routers.Baseline) && !only.Contains(n));
        }
        var routers = names.Select(n => RouterProcess.Start(n, settings.HighWatermark, settings.PoolBuffers, settings.BaselineBench, _cpp?.AnchorRouter)).ToList();
        ClusterUnderTest? cluster = null;
        try
        {
            if (settings.IncludeCluster && settings.OnlyRouters?.Contains(Routers.Cluster) != false && ClusterUnderTest.NatsServer is not null)
            {
                cluster = ClusterUnderTest.Start(settings.HighWatermark, settings.PoolBuffers);
                names.Insert(1, Routers.Cluster);
            }
            else
            {
                output.WriteLine("note: the cluster is not measured (nats-server not installed, or --no-cluster)");
            }
            // The cluster is measured in the same turns as the single routers, right after Hydra alone.
            List<IRouterUnderTest> measured = [.. routers.Take(1), .. cluster is null ? Array.Empty<IRouterUnderTest>() : [cluster], .. routers.Skip(1)];
            Progress($"routers up: {string.Join(", ", routers.Select(r => $"{r.Name} :{r.Port}"))}");
            foreach (var router in measured)
            {
                Throughput(router, 1, 100, TimeSpan.FromSeconds(settings.Smoke ? 0.3 : 1), record: false); // warm-up (JIT, connections)
            }
            // Idle peers first, while the routers' heaps hold little else: cleaner memory figures.
            // Not the anchor: it has no heartbeat port, and a peer's two sockets share its name.
            foreach (var router in routers.Where(r => r.Name is not (Routers.BusyTable or Routers.Anchor)))
            {
                await Task.Run(() => Idle(router));
            }
            for (var repeat = 0; repeat < settings.Repeats; repeat++)
            {
                foreach (var (pairs, size) in settings.Scenarios)
                {
                    foreach (var router in measured.Where(r => r.Name != Routers.BusyTable || (pairs, size) == (1, 100)))
                    {
                        Throughput(router, pairs, size, settings.ThroughputDuration, record: true);
                    }
                }
                foreach (var router in measured.Where(r => r.Name != Routers.BusyTable))
                {
                    Latency(router);
                }
                await HydraMQSendersAsync(routers.First(r => r.Name == Routers.Hydra));
            }
            CrossCheckWithCppLoadgen(routers);
            if (cluster is not null && _cpp?.Loadgen is { } loadgen)
            {
                await CompareLocalAndCrossAsync(cluster, loadgen);
            }
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("HYDRA_BENCH_ALLOC_SAMPLES") == "1")
            {
                foreach (var router in routers.Where(r => r.HasStats))
                {
                    output.WriteLine($"allocation samples, {router.Name}: {router.AllocationSamples()}");
                }
            }
            foreach (var router in routers)
            {
                router.Dispose();
            }
            cluster?.Dispose();
        }
        PrintReport(names, clock.Elapsed);
        return _failures.Count == 0 ? 0 : 1;
    }

    private void Throughput(IRouterUnderTest router, int pairs, int size, TimeSpan duration, bool record, string? label = null)
    {
        var tag = $"t{++_runNumber}";
        var byteExact = router.HasStats || router.Name == Routers.Anchor;
        var runs = Enumerable.Range(0, pairs).Select(i => NewPairRun($"{tag}-{i}", router.Port, size, byteExact, router.ReceiverPort)).ToArray();
        try
        {
            if (!runs.All(r => r.Handshake(TimeSpan.FromSeconds(10))))
            {
                Fail($"{router.Name} {pairs}x{size} B: a peer got no answer to its ping within 10 s");
                return;
            }
            if (router.ReceiverPort != router.Port && !runs.All(r => r.ProbeThrough(TimeSpan.FromSeconds(10))))
            {
                Fail($"{router.Name} {pairs}x{size} B: no probe reached the receiver on the other router within 10 s");
                return;
            }
            var before = router.Stats();
            var cpuBefore = router.CpuTime();
            var loadCpuBefore = LoadCpu();
            var results = new PairResult[pairs];
            var threads = runs.Select((run, i) => new Thread(() => results[i] = run.Run(duration, settings.DrainLimit)) { Name = $"pair {i}" }).ToArray();
            using var asker = router.Name == Routers.BusyTable ? new ClientsAsker(router.Port) : null;
            asker?.Start();
            foreach (var thread in threads)
            {
                thread.Start();
            }
            foreach (var thread in threads)
            {
                thread.Join();
            }
            if (asker?.Stop() is { } asked)
            {
                Progress($"{router.Name}: meanwhile a peer asked for the {Serve.ServeMode.BusyTable:N0}-row table {asked.Requests:N0} times: {asked.Pages:N0} pages, {asked.Busy:N0} busy");
            }
            var cpu = router.CpuTime() - cpuBefore;
            var loadCpu = LoadCpu() - loadCpuBefore;
            var after = router.Stats();
            var delivered = results.Sum(r => r.Received);
            var seconds = results.Max(r => r.Seconds);
            var load = label ?? LoadName(pairs, size);
            Account(router.Name, load, results);
            if (after is not null && after.UndeliveredReplies > before!.UndeliveredReplies)
            {
                Fail($"{router.Name} {load}: {after.UndeliveredReplies - before.UndeliveredReplies} error replies could not be delivered: the sender's own queue was full too (counted and logged by the router)");
            }
            if (!record)
            {
                return;
            }
            var routed = after is null ? delivered : after.Routed - before!.Routed;
            var sample = new ThroughputSample(
                delivered / seconds,
                cpu.TotalMicroseconds / Math.Max(1, delivered),
                after is null || after.PollerAllocated < 0 ? double.NaN : (after.PollerAllocated - before!.PollerAllocated) / (double)Math.Max(1, routed),
                after is null ? double.NaN : (after.ProcessAllocated - before!.ProcessAllocated) / (double)Math.Max(1, routed),
                after is null ? double.NaN : (after.NatsAllocated - before!.NatsAllocated) / (double)Math.Max(1, routed));
            Samples(load, router.Name).Add(sample);
            LoadCpuSamples(load).Add(loadCpu.TotalMicroseconds / Math.Max(1, delivered));
            Progress($"{router.Name,-6} {load,-16} {sample.Rate,12:N0} msg/s  cpu {sample.CpuMicrosPerMessage,6:F2} us/msg  alloc poller {PerMessage(sample.PollerBytesPerMessage)}, process {PerMessage(sample.ProcessBytesPerMessage)}{(after is null ? "" : $", gen0 GCs {after.Gen0 - before!.Gen0}, pooled frames out {after.PooledOutstanding}")}");
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose();
            }
        }
    }

    /// <summary>Bytes per message, or "n/a" for a router that cannot report them (Python; raw has no poller hook).</summary>
    private static string PerMessage(double bytes) => double.IsNaN(bytes) ? "   n/a" : $"{bytes,6:F2} B/msg";

    private void Account(string router, string load, PairResult[] results)
    {
        foreach (var r in results)
        {
            _tally.Runs++;
            _tally.Sent += r.Sent;
            _tally.Delivered += r.Received;
            _tally.Errors += r.Errors;
            _tally.Gaps += r.Gaps;
            _tally.OutOfOrder += r.OutOfOrder;
            _tally.Unaccounted += r.Unaccounted;
            _tally.Corrupt += r.Corrupt;
            if (!r.Clean)
            {
                Fail($"{router} {load}: sent {r.Sent}, delivered {r.Received}, errors {r.Errors}, gaps {r.Gaps}, out of order {r.OutOfOrder}, corrupt {r.Corrupt}{(r.FirstError is null ? "" : $"; first error: {r.FirstError}")}");
            }
        }
    }

    private void Latency(IRouterUnderTest router)
    {
        var echoPort = router.ReceiverPort == router.Port ? 0 : router.ReceiverPort;
        var result = _libZmq
            ? ZmqLatencyRun.Run($"l{++_runNumber}", router.Port, 100, settings.LatencyCount, settings.LatencyWarmup, TimeSpan.FromSeconds(60), echoPort)
            : LatencyRun.Run($"l{++_runNumber}", router.Port, 100, settings.LatencyCount, settings.LatencyWarmup, TimeSpan.FromSeconds(60), echoPort);
        if (!result.Clean || result.Count < settings.LatencyCount)
        {
            Fail($"{router.Name} round trip: {result.Count} of {settings.LatencyCount} measured, {result.Timeouts} timeouts, {result.WrongReplies} wrong replies");
        }
        if (!_latency.TryGetValue(router.Name, out var list))
        {
            _latency[router.Name] = list = [];
        }
        list.Add(result);
        Progress($"{router.Name,-6} round trip p50 {result.P50:F0} us, p99 {result.P99:F0} us, p99.9 {result.P999:F0} us");
    }

    private void Idle(RouterProcess router)
    {
        var heapBefore = router.ManagedHeap();
        var residentBefore = router.ResidentBytes();
        using var peers = IdlePeers.Start(settings.IdlePeers, settings.IdleHeartbeatInterval, router.Port, router.HeartbeatPort, TimeSpan.FromSeconds(60), out var allAnswered);
        if (!allAnswered)
        {
            Fail($"{router.Name}: not all {settings.IdlePeers} idle peers got a heartbeat reply within 60 s");
        }
        var heapAfter = router.ManagedHeap();
        var residentAfter = router.ResidentBytes();
        var countBefore = Samples(IdleLoad, router.Name).Count;
        Throughput(router, 1, 100, settings.ThroughputDuration, record: true, IdleLoad);
        var rate = Samples(IdleLoad, router.Name).Skip(countBefore).Select(s => s.Rate).DefaultIfEmpty(double.NaN).First();
        peers.Dispose();
        var sample = new IdleSample(settings.IdlePeers, rate, peers.Sent, peers.Replies,
            heapBefore < 0 ? double.NaN : (heapAfter - heapBefore) / (double)settings.IdlePeers,
            (residentAfter - residentBefore) / (double)settings.IdlePeers);
        _idle[router.Name] = sample;
        if (sample.HeartbeatReplies < sample.HeartbeatsSent)
        {
            Fail($"{router.Name}: {sample.HeartbeatsSent} heartbeats sent, {sample.HeartbeatReplies} answered");
        }
        Progress($"{router.Name,-6} with {sample.Peers} idle peers: {rate:N0} msg/s, heartbeats {sample.HeartbeatReplies}/{sample.HeartbeatsSent}, heap/peer {sample.HeapPerPeer:N0} B, RSS/peer {sample.ResidentPerPeer:N0} B");
    }

    private const string IdleLoad = "1x100 B idle";

    private List<ThroughputSample> Samples(string load, string router)
    {
        var key = (load, router);
        if (!_throughput.TryGetValue(key, out var list))
        {
            _throughput[key] = list = [];
        }
        return list;
    }

    private static string LoadName(int pairs, int size) => $"{pairs}x{size} B";

    /// <summary>The load generator's pairs: on libzmq when it is here (so the load side is not the limit), else NetMQ.</summary>
    private IPairRun NewPairRun(string name, int port, int size, bool byteExact, int receiverPort) => _libZmq
        ? new ZmqPairRun(name, port, size, settings.Window, byteExact, receiverPort)
        : new PairRun(name, port, size, settings.Window, byteExact, receiverPort);

    /// <summary>CPU this process (the load generator) has used: its cost per message shows its ceiling.</summary>
    private static TimeSpan LoadCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private List<double> LoadCpuSamples(string load)
    {
        if (!_loadCpu.TryGetValue(load, out var list))
        {
            _loadCpu[load] = list = [];
        }
        return list;
    }

    private void Fail(string what)
    {
        _failures.Add(what);
        output.WriteLine($"FAIL: {what}");
    }

    private void Progress(string line) => output.WriteLine($"  {line}");

    private static bool PythonHasZmq()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import zmq\"") { UseShellExecute = false });
            return probe!.WaitForExit(TimeSpan.FromSeconds(20)) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
