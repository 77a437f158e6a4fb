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
        var others = routers.Where(r => r is not Routers.Hydra and not Routers.Cluster).ToList();
        var clustered = routers.Contains(Routers.Cluster);
        w.WriteLine("### Throughput, messages per second (sender→receiver pairs × message size)");
        w.WriteLine();
        var clusterRatio = clustered ? " | cluster / Hydra" : "";
        w.WriteLine($"| load | {string.Join(" | ", routers.Select(Label))}{clusterRatio} | {string.Join(" | ", others.Select(o => $"Hydra / {Label(o)}"))} |");
        w.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", routers.Count + others.Count + (clustered ? 1 : 0)))}");
        foreach (var load in Loads())
        {
            var hydra = Rate(load, Routers.Hydra);
            var ratios = others.Select(o => o is Routers.Raw or Routers.Baseline or Routers.BusyTable ? P(hydra / Rate(load, o)) : X(hydra / Rate(load, o)));
            var ofHydra = clustered ? $" | {P(Rate(load, Routers.Cluster) / hydra)}" : "";
            w.WriteLine($"| {load} | {string.Join(" | ", routers.Select(r => N(Rate(load, r))))}{ofHydra} | {string.Join(" | ", ratios)} |");
        }
        w.WriteLine();
        w.WriteLine("### Router cost per routed message (median)");
        w.WriteLine();
        var clusterHeads = clustered ? " | cluster alloc, both routing threads (B) | of which inside NATS.Net (B) | cluster alloc, both processes (B)" : "";
        w.WriteLine($"| load | {string.Join(" | ", routers.Select(r => $"{Label(r)} CPU µs"))} | Hydra alloc, poller thread (B) | Hydra alloc, whole process (B) | raw alloc, whole process (B){clusterHeads} |");
        w.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---:|", routers.Count + 3 + (clustered ? 3 : 0)))}");
        foreach (var load in Loads())
        {
            var clusterCells = clustered
                ? $" | {F(Stat(load, Routers.Cluster, s => s.PollerBytesPerMessage))} | {F(Stat(load, Routers.Cluster, s => s.NatsBytesPerMessage))} | {F(Stat(load, Routers.Cluster, s => s.ProcessBytesPerMessage))}"
                : "";
            w.WriteLine($"| {load} | {string.Join(" | ", routers.Select(r => F(Cpu(load, r))))} " +
                $"| {F(Stat(load, Routers.Hydra, s => s.PollerBytesPerMessage))} | {F(Stat(load, Routers.Hydra, s => s.ProcessBytesPerMessage))} | {F(Stat(load, Routers.Raw, s => s.ProcessBytesPerMessage))}{clusterCells} |");
        }
        w.WriteLine();
        w.WriteLine("### Round trip, µs (client → router → echo peer → router → client, 100 B, one in flight)");
        w.WriteLine();
        w.WriteLine("| router | p50 | p90 | p99 | p99.9 | samples |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var router in routers)
        {
            if (_latency.TryGetValue(router, out var list))
            {
                w.WriteLine($"| {Label(router)} | {F0(Median.Of(list.Select(l => l.P50)))} | {F0(Median.Of(list.Select(l => l.P90)))} | {F0(Median.Of(list.Select(l => l.P99)))} | {F0(Median.Of(list.Select(l => l.P999)))} | {list.Sum(l => l.Count):N0} |");
            }
        }
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

    private static string Label(string router) => router switch
    {
        Routers.Hydra => "Hydra",
        Routers.Raw => "raw NetMQ",
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
    private static string X(double v) => double.IsFinite(v) ? v.ToString("F1", CultureInfo.InvariantCulture) + "×" : "–";

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
