using System.Globalization;
using System.Runtime.InteropServices;

namespace Hydra.Bench.Suite;

// The tables, in Markdown, ready to paste into BENCHMARKS.md.
internal sealed partial class SuiteRunner
{
    private void PrintReport(IReadOnlyList<string> routers, TimeSpan elapsed)
    {
        var w = output;
        w.WriteLine();
        w.WriteLine($"## Hydra router benchmark ({(settings.Smoke ? "smoke" : "full")}): {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:F0} s");
        w.WriteLine();
        w.WriteLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        w.WriteLine($"Each figure is the median of {settings.Repeats} run(s); throughput runs last {settings.ThroughputDuration.TotalSeconds:0.#} s with {settings.Window} messages in flight per pair.");
        w.WriteLine();
        w.WriteLine($"Load generator: {(_libZmq ? "C# on libzmq (Hydra's binding)" : "C# on NetMQ (libzmq not available)")}, {settings.Window} messages in flight per pair, every frame checked byte for byte.");
        w.WriteLine();
        var ratios = new List<(string Title, string Over)>();
        if (routers.Contains(Routers.Anchor))
        {
            ratios.Add(($"Hydra / {Label(Routers.Anchor)}", Routers.Anchor));
        }
        if (routers.Contains(Routers.HydraNetMQ))
        {
            ratios.Add(($"Hydra / {Label(Routers.HydraNetMQ)}", Routers.HydraNetMQ));
        }
        if (routers.Contains(Routers.Baseline))
        {
            ratios.Add(($"Hydra / {Label(Routers.Baseline)}", Routers.Baseline));
        }
        var clustered = routers.Contains(Routers.Cluster);
        w.WriteLine($"### Throughput, messages per second (sender→receiver pairs × message size); Hydra is {Label(Routers.Hydra)}");
        w.WriteLine();
        var clusterRatio = clustered ? " | cluster / Hydra" : "";
        w.WriteLine($"| load | {string.Join(" | ", routers.Select(Label))} | {string.Join(" | ", ratios.Select(r => r.Title))}{clusterRatio} |");
        w.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", routers.Count + ratios.Count + (clustered ? 1 : 0)))}");
        foreach (var load in Loads())
        {
            var hydra = Rate(load, Routers.Hydra);
            var ofHydra = clustered ? $" | {P(Rate(load, Routers.Cluster) / hydra)}" : "";
            w.WriteLine($"| {load} | {string.Join(" | ", routers.Select(r => N(Rate(load, r))))} | {string.Join(" | ", ratios.Select(r => X(hydra / Rate(load, r.Over))))}{ofHydra} |");
        }
        w.WriteLine();
        if (_chartPath is not null)
        {
            ThroughputChart.Write(_chartPath, Loads().Where(l => l != IdleLoad).ToList(), routers.Where(r => r != Routers.BusyTable).ToList(), Label, Rate);
            w.WriteLine($"Chart: {Path.GetFileName(_chartPath)}");
            w.WriteLine();
        }
        w.WriteLine("### Router cost per routed message (median)");
        w.WriteLine();
        var hydras = routers.Where(r => r is Routers.Hydra or Routers.HydraNetMQ).ToList();
        var clusterHeads = clustered ? " | cluster alloc, both routing threads (B) | of which inside NATS.Net (B) | cluster alloc, both processes (B)" : "";
        w.WriteLine($"| load | {string.Join(" | ", routers.Select(r => $"{Label(r)} CPU µs"))} | {string.Join(" | ", hydras.Select(r => $"{Label(r)} alloc, routing thread (B)"))} | {string.Join(" | ", hydras.Select(r => $"{Label(r)} alloc, whole process (B)"))}{clusterHeads} |");
        w.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", routers.Count + (2 * hydras.Count) + (clustered ? 3 : 0)))}");
        foreach (var load in Loads())
        {
            var clusterCells = clustered
                ? $" | {F(Stat(load, Routers.Cluster, s => s.PollerBytesPerMessage))} | {F(Stat(load, Routers.Cluster, s => s.NatsBytesPerMessage))} | {F(Stat(load, Routers.Cluster, s => s.ProcessBytesPerMessage))}"
                : "";
            w.WriteLine($"| {load} | {string.Join(" | ", routers.Select(r => F(Cpu(load, r))))} " +
                $"| {string.Join(" | ", hydras.Select(r => F(Stat(load, r, s => s.PollerBytesPerMessage))))} | {string.Join(" | ", hydras.Select(r => F(Stat(load, r, s => s.ProcessBytesPerMessage))))}{clusterCells} |");
        }
        w.WriteLine();
        w.WriteLine("### The load generator's own cost (this process, all routers, median)");
        w.WriteLine();
        w.WriteLine("| load | CPU µs per delivered message | ceiling: messages/s on one core of its own |");
        w.WriteLine("|---|---:|---:|");
        foreach (var load in Loads())
        {
            var micros = _loadCpu.TryGetValue(load, out var list) ? Median.Of(list) : double.NaN;
            w.WriteLine($"| {load} | {F(micros)} | {N(1e6 / micros)} |");
        }
        w.WriteLine();
        PrintCppCrossCheck(w);
        PrintLocalAndCross(w);
        w.WriteLine("### Round trip, µs (client → router → echo peer → router → client, 100 B, one in flight)");
        w.WriteLine();
        w.WriteLine("| router | p50 | p90 | p99 | p99.9 | samples | p50 / anchor's | p50 − Hydra's |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var anchorP50 = _latency.TryGetValue(Routers.Anchor, out var anchorRuns) ? Median.Of(anchorRuns.Select(l => l.P50)) : double.NaN;
        var hydraP50 = _latency.TryGetValue(Routers.Hydra, out var hydraRuns) ? Median.Of(hydraRuns.Select(l => l.P50)) : double.NaN;
        foreach (var router in routers)
        {
            if (_latency.TryGetValue(router, out var list))
            {
                var p50 = Median.Of(list.Select(l => l.P50));
                w.WriteLine($"| {Label(router)} | {F0(p50)} | {F0(Median.Of(list.Select(l => l.P90)))} | {F0(Median.Of(list.Select(l => l.P99)))} | {F0(Median.Of(list.Select(l => l.P999)))} | {list.Sum(l => l.Count):N0} | {X(p50 / anchorP50)} | {F0(p50 - hydraP50)} |");
            }
        }
        w.WriteLine();
        PrintSenders(w);
        w.WriteLine();
        w.WriteLine($"### {settings.IdlePeers:N0} idle peers heartbeating every {settings.IdleHeartbeatInterval.TotalSeconds:0.#} s while one 100 B pair runs (one run)");
        w.WriteLine();
        w.WriteLine("| router | pair msg/s | vs. no idle peers | heartbeats answered | managed heap per peer (B) | RSS per peer (B) |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var router in routers)
        {
            if (_idle.TryGetValue(router, out var idle))
            {
                w.WriteLine($"| {Label(router)} | {N(idle.Rate)} | {P(idle.Rate / Rate(LoadName(1, 100), router))} | {idle.HeartbeatReplies:N0} / {idle.HeartbeatsSent:N0} | {N(idle.HeapPerPeer)} | {N(idle.ResidentPerPeer)} |");
            }
        }
        w.WriteLine();
        PrintIntegrity(w);
    }

    private void PrintIntegrity(TextWriter w)
    {
        w.WriteLine($"### Integrity: {_tally.Runs} pair runs, {_tally.Sent:N0} messages sent, {_tally.Delivered:N0} delivered in order, " +
            $"{_tally.Errors:N0} error replies, {_tally.Unaccounted:N0} lost, {_tally.Gaps:N0} gaps, {_tally.OutOfOrder:N0} duplicated or out of order, {_tally.Corrupt:N0} altered (Hydra and raw frames are compared byte for byte).");
        w.WriteLine();
        w.WriteLine(_failures.Count == 0 ? "RESULT: PASS (no loss, no duplicates, no reordering, no corruption, no error replies)" : $"RESULT: FAIL ({_failures.Count} problems; see FAIL lines above)");
    }

    private IEnumerable<string> Loads() =>
        settings.Scenarios.Select(s => LoadName(s.Pairs, s.Size)).Append(IdleLoad).Where(l => _throughput.Keys.Any(k => k.Load == l));

    private double Rate(string load, string router) => Stat(load, router, s => s.Rate);
    private double Cpu(string load, string router) => Stat(load, router, s => s.CpuMicrosPerMessage);

    private double Stat(string load, string router, Func<ThroughputSample, double> pick) =>
        _throughput.TryGetValue((load, router), out var list) ? Median.Of(list.Select(pick)) : double.NaN;

    private string Label(string router) => router switch
    {
        Routers.Hydra => _libZmq ? "Hydra (libzmq)" : "Hydra (NetMQ)",
        Routers.HydraNetMQ => "Hydra (NetMQ)",
        Routers.Raw => "raw NetMQ",
        Routers.RawLibZmq => "raw libzmq (C#)",
        Routers.Anchor => "C++ anchor",
        Routers.Cluster => "Hydra cluster (A→B)",
        Routers.Baseline => "Hydra (baseline build)",
        Routers.Metrics => "Hydra, metrics on (/metrics scraped every second)",
        Routers.BusyTable => $"Hydra, {Serve.ServeMode.BusyTable / 1000}k clients asked for in a loop",
        Routers.Python => "Python (asyncio)",
        _ => "Python (sync)",
    };

    private static string N(double v) => double.IsFinite(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "–";
    private static string F(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";
    private static string F0(double v) => double.IsFinite(v) ? v.ToString("F0", CultureInfo.InvariantCulture) : "–";
    private static string P(double v) => double.IsFinite(v) ? v.ToString("P0", CultureInfo.InvariantCulture) : "–";
    private static string X(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";

    private void PrintCppCrossCheck(TextWriter w)
    {
        if (_cppRuns.Count == 0)
        {
            return;
        }
        // The routers that ran, in the order of the columns: Hydra, the baseline build (if any), the anchor.
        string[] others = [.. new[] { Routers.Baseline }.Where(r => _cppRuns.Keys.Any(k => k.Router == r))];
        w.WriteLine($"### With the C++ load generator (bench/cpp/loadgen; medians of {settings.Repeats} runs, in turns; router CPU read around the measured part)");
        w.WriteLine();
        w.WriteLine($"| load | {Label(Routers.Hydra)} msg/s |{string.Concat(others.Select(o => $" {Label(o)} msg/s |"))} {Label(Routers.Anchor)} msg/s | Hydra / anchor |{string.Concat(others.Select(o => $" {Label(o)} / anchor |"))} " +
            $"Hydra CPU µs/msg |{string.Concat(others.Select(o => $" {Label(o)} CPU µs/msg |"))} anchor CPU µs/msg | Hydra CPU / anchor's | {Label(Routers.Hydra)}, C# load msg/s | {Label(Routers.Anchor)}, C# load msg/s |");
        w.WriteLine($"|---|---:|{string.Concat(others.Select(_ => "---:|"))}---:|---:|{string.Concat(others.Select(_ => "---:|"))}---:|{string.Concat(others.Select(_ => "---:|"))}---:|---:|---:|---:|");
        foreach (var (pairs, size) in settings.Scenarios)
        {
            var load = LoadName(pairs, size);
            var anchor = CppRate(load, Routers.Anchor);
            var anchorCpu = CppCpu(load, Routers.Anchor);
            w.WriteLine($"| {load} | {N(CppRate(load, Routers.Hydra))} |{string.Concat(others.Select(o => $" {N(CppRate(load, o))} |"))} {N(anchor)} | {X(CppRate(load, Routers.Hydra) / anchor)} |" +
                $"{string.Concat(others.Select(o => $" {X(CppRate(load, o) / anchor)} |"))} {F(CppCpu(load, Routers.Hydra))} |{string.Concat(others.Select(o => $" {F(CppCpu(load, o))} |"))} {F(anchorCpu)} | " +
                $"{X(CppCpu(load, Routers.Hydra) / anchorCpu)} | {N(Rate(load, Routers.Hydra))} | {N(Rate(load, Routers.Anchor))} |");
        }
        if (_cppRoundTrips.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Round trip with the C++ load generator, 100 B, µs (medians of the runs' percentiles):");
            w.WriteLine();
            w.WriteLine("| router | p50 | p99 | p50 / anchor's | p99 / anchor's |");
            w.WriteLine("|---|---:|---:|---:|---:|");
            var anchorP50 = Median.Of(_cppRoundTrips.GetValueOrDefault(Routers.Anchor, []).Select(r => r.P50));
            var anchorP99 = Median.Of(_cppRoundTrips.GetValueOrDefault(Routers.Anchor, []).Select(r => r.P99));
            foreach (var (router, runs) in _cppRoundTrips)
            {
                var p50 = Median.Of(runs.Select(r => r.P50));
                var p99 = Median.Of(runs.Select(r => r.P99));
                w.WriteLine($"| {Label(router)} | {F0(p50)} | {F0(p99)} | {X(p50 / anchorP50)} | {X(p99 / anchorP99)} |");
            }
        }
        w.WriteLine();
    }

    private void PrintSenders(TextWriter w)
    {
        if (_senders.Count == 0)
        {
            return;
        }
        w.WriteLine($"### A HydraMQ peer sending ~100 B messages with SendAsync, through {Label(Routers.Hydra)} to a bare receiver (median)");
        w.WriteLine();
        w.WriteLine("| peer on | messages/s delivered | sends refused busy by the peer (its queue full) | answered busy by the router |");
        w.WriteLine("|---|---:|---:|---:|");
        foreach (var (transport, results) in _senders)
        {
            w.WriteLine($"| {transport} | {N(Median.Of(results.Select(r => r.Rate)))} | {results.Sum(r => r.Busy):N0} | {results.Sum(r => r.RouterBusy):N0} |");
        }
        w.WriteLine();
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
