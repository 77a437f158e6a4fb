using System.Globalization;
using System.Text.Json;
using Hydra.Bench.Load;

namespace Hydra.Bench.Suite;

// Issue 16, item 4: the cluster's cross-router path against its local one, measured with the C++
// load generator. Senders always on router A; receivers on A ("local") or on router B ("cross"),
// in turns; then NATS alone through the same nats-server, the reference for "cross".
internal sealed partial class SuiteRunner
{
    private const string LocalPath = "local";
    private const string CrossPath = "cross";
    private const string NatsAlonePath = "NATS alone";
    private static readonly TimeSpan LoadgenReadyLimit = TimeSpan.FromSeconds(60);
    private readonly Dictionary<(string Load, string Path), List<PathSample>> _paths = [];
    private readonly Dictionary<string, List<LatencyResult>> _pathRoundTrips = [];
    private string? _loadAverageBefore;
    private string? _loadAverageAfter;

    private async Task CompareLocalAndCrossAsync(ClusterUnderTest cluster, string loadgen)
    {
        _loadAverageBefore = LoadAverage();
        Progress($"cluster: local against cross with the C++ load generator; load average {_loadAverageBefore}");
        // Warm-up, not recorded: JIT in both routers and in this process's NATS.Net, the link between the
        // routers, and buffers grown to their working size under the heaviest load (a link's log of
        // unconfirmed frames grows by doubling, and its first growth would be charged to one run).
        var warmUp = TimeSpan.FromSeconds(1);
        var heaviest = (Pairs: settings.Scenarios.Max(s => s.Pairs), Size: settings.Scenarios.Max(s => s.Size));
        foreach (var path in new[] { LocalPath, CrossPath })
        {
            RunPath(cluster, loadgen, path, 1, 100, warmUp, record: false);
            RunPath(cluster, loadgen, path, heaviest.Pairs, heaviest.Size, warmUp, record: false);
        }
        await RunNatsAloneAsync(cluster, 1, 100, warmUp, record: false);
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            // Which goes first alternates, so that neither is always the one measured on a warmer or busier machine.
            string[] order = repeat % 2 == 0 ? [LocalPath, CrossPath] : [CrossPath, LocalPath];
            foreach (var (pairs, size) in settings.Scenarios)
            {
                foreach (var path in order)
                {
                    RunPath(cluster, loadgen, path, pairs, size, settings.ThroughputDuration, record: true);
                }
                await RunNatsAloneAsync(cluster, pairs, size, settings.ThroughputDuration, record: true);
            }
            foreach (var path in order)
            {
                RoundTripPath(cluster, loadgen, path);
            }
            await NatsAloneRoundTripAsync(cluster);
        }
        _loadAverageAfter = LoadAverage();
        Progress($"cluster: done; load average {_loadAverageAfter}");
        if (Environment.GetEnvironmentVariable("HYDRA_BENCH_ALLOC_SAMPLES") == "1")
        {
            output.WriteLine($"allocation samples, cluster router A: {cluster.RouterA.AllocationSamples()}");
            output.WriteLine($"allocation samples, cluster router B: {cluster.RouterB.AllocationSamples()}");
        }
    }

    /// <summary>One throughput run of the C++ load generator, senders on A, receivers on A (local) or B (cross).</summary>
    private void RunPath(ClusterUnderTest cluster, string loadgen, string path, int pairs, int size, TimeSpan duration, bool record)
    {
        var load = LoadName(pairs, size);
        using var run = LoadgenProcess.Start(loadgen, [.. PathEndpoints(cluster, path), "--pairs", Text(pairs), "--size", Text(size),
            "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--window", Text(settings.Window), "--names", $"x{++_runNumber}"]);
        if (!run.WaitUntilReady(LoadgenReadyLimit))
        {
            Fail($"cluster {path} {load}: the C++ load generator did not get going: {run.Errors()}");
            return;
        }
        var before = ClusterSnapshot.Take(cluster);
        run.Go();
        using var result = run.Result();
        var after = ClusterSnapshot.Take(cluster);
        if (result is null)
        {
            Fail($"cluster {path} {load}: no result from the C++ load generator: {run.Errors()}");
            return;
        }
        var json = result.RootElement;
        var delivered = json.GetProperty("received").GetInt64();
        Account($"cluster {path}", load, [LoadgenPairResult(json)]);
        if (!record)
        {
            return;
        }
        var sample = PathSample.Between(before, after, json.GetProperty("msg_per_s").GetDouble(), delivered, TimeSpan.FromSeconds(json.GetProperty("cpu_s").GetDouble()));
        PathSamples(load, path).Add(sample);
        Progress($"cluster {path,-5} {load,-9} {sample.Rate,10:N0} msg/s  cpu A {sample.RouterACpu,5:F2} + B {sample.RouterBCpu,5:F2} + nats-server {sample.NatsServerCpu,5:F2} + loadgen {sample.LoadgenCpu,5:F2} us/msg  " +
            $"routing threads {sample.RoutingThreadBytes:F2} B/msg (NATS.Net {sample.NatsClientBytes:F2}), processes {sample.ProcessBytes:F0} B/msg, resent {sample.Resent:N0}");
    }

    private void RoundTripPath(ClusterUnderTest cluster, string loadgen, string path)
    {
        if (LoadgenRoundTrip(loadgen, PathEndpoints(cluster, path), 'x', out var problem) is not { } roundTrip)
        {
            Fail($"cluster {path} round trip: {problem}");
            return;
        }
        RoundTrips(path).Add(roundTrip);
        Progress($"cluster {path,-5} round trip p50 {roundTrip.P50:F0} us, p99 {roundTrip.P99:F0} us");
    }

    private async Task RunNatsAloneAsync(ClusterUnderTest cluster, int pairs, int size, TimeSpan duration, bool record)
    {
        var load = LoadName(pairs, size);
        var before = ClusterSnapshot.Take(cluster);
        var results = await NatsAloneRun.RunAsync(cluster.NatsUrl, $"alone{++_runNumber}", pairs, size, settings.Window, duration, settings.DrainLimit);
        var after = ClusterSnapshot.Take(cluster);
        Account(NatsAlonePath, load, results);
        if (!record)
        {
            return;
        }
        var delivered = results.Sum(r => r.Received);
        var micros = (double)Math.Max(1, delivered);
        var sample = new PathSample(delivered / results.Max(r => r.Seconds), double.NaN, double.NaN,
            (after.CpuNatsServer - before.CpuNatsServer).TotalMicroseconds / micros, double.NaN, (after.CpuSelf - before.CpuSelf).TotalMicroseconds / micros,
            double.NaN, double.NaN, double.NaN);
        PathSamples(load, NatsAlonePath).Add(sample);
        Progress($"{NatsAlonePath} {load,-9} {sample.Rate,10:N0} msg/s  cpu nats-server {sample.NatsServerCpu:F2} + NATS.Net {sample.NatsClientCpu:F2} us/msg");
    }

    private async Task NatsAloneRoundTripAsync(ClusterUnderTest cluster)
    {
        var result = await NatsAloneRoundTrip.RunAsync(cluster.NatsUrl, $"alone{++_runNumber}", 100, settings.LatencyCount, settings.LatencyWarmup);
        if (!result.Clean || result.Count < settings.LatencyCount)
        {
            Fail($"{NatsAlonePath} round trip: {result.Count} of {settings.LatencyCount} measured, {result.Timeouts} without a reply, {result.WrongReplies} wrong replies");
        }
        RoundTrips(NatsAlonePath).Add(result);
        Progress($"{NatsAlonePath} round trip p50 {result.P50:F0} us, p99 {result.P99:F0} us");
    }

    /// <summary>Senders on router A; receivers on A (local) or B (cross).</summary>
    private static string[] PathEndpoints(ClusterUnderTest cluster, string path) =>
        ["--router", Endpoint(cluster.RouterA), "--receiver-router", Endpoint(path == CrossPath ? cluster.RouterB : cluster.RouterA)];

    private static string Endpoint(RouterProcess router) => $"tcp://127.0.0.1:{router.Port}";

    /// <summary>The load generator's counts, all pairs together, for the integrity tally.</summary>
    private static PairResult LoadgenPairResult(JsonElement json)
    {
        var error = json.GetProperty("first_error").GetString();
        return new PairResult(json.GetProperty("sent").GetInt64(), json.GetProperty("received").GetInt64(), json.GetProperty("errors").GetInt64(),
            json.GetProperty("gaps").GetInt64(), json.GetProperty("dup_or_reordered").GetInt64(), 0, 0, string.IsNullOrEmpty(error) ? null : error);
    }

    private List<PathSample> PathSamples(string load, string path)
    {
        if (!_paths.TryGetValue((load, path), out var list))
        {
            _paths[(load, path)] = list = [];
        }
        return list;
    }

    private List<LatencyResult> RoundTrips(string path)
    {
        if (!_pathRoundTrips.TryGetValue(path, out var list))
        {
            _pathRoundTrips[path] = list = [];
        }
        return list;
    }

    /// <summary>The 1, 5 and 15-minute load averages (Linux), as the report gives them.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
