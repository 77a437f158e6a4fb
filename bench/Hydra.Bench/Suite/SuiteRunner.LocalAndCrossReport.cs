using Hydra.Bench.Load;

namespace Hydra.Bench.Suite;

// The cluster comparison's tables (issue 16, item 4), and its chart.
internal sealed partial class SuiteRunner
{
    /// <summary>Issue 16's goals: cross at least this share of local at 1 and 4 pairs × 100 B ...</summary>
    private const double CrossShareGoal = 0.8;
    /// <summary>... and a round trip p50 at most this much above local's.</summary>
    private const double RoundTripGoalMicros = 150;
    /// <summary>Below this, nothing is allocated per message: any object would take at least 24 B.</summary>
    private const double NothingPerMessage = 1;

    private static readonly (int Pairs, int Size)[] GoalLoads = [(1, 100), (4, 100)];

    private void PrintLocalAndCross(TextWriter w)
    {
        if (_paths.Count == 0)
        {
            return;
        }
        var loads = PathLoads();
        w.WriteLine("### The cluster: cross-router against local, and against NATS alone (C++ load generator)");
        w.WriteLine();
        w.WriteLine($"Two {Label(Routers.Hydra)} routers (`serve hydra --cluster`, each its own process) and one nats-server on 127.0.0.1. " +
            "Senders on router A, receivers on A (local) or on router B (cross), in turns, the order alternating per repeat; " +
            "then NATS alone: NATS.Net publishing from one connection to a subscriber on another through the same nats-server, one NATS message per frame. " +
            $"Median of {settings.Repeats} run(s) of {settings.ThroughputDuration.TotalSeconds:0.#} s, {settings.Window} in flight per pair. " +
            $"Load average (1, 5, 15 min) {_loadAverageBefore} at the start, {_loadAverageAfter} at the end.");
        w.WriteLine();
        w.WriteLine("| load | local msg/s | cross msg/s | cross / local | NATS alone msg/s | cross / NATS alone | cross / local, each repeat | cross: link entries sent again, each repeat |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var load in loads)
        {
            var local = PathStat(load, LocalPath, s => s.Rate);
            var cross = PathStat(load, CrossPath, s => s.Rate);
            var alone = PathStat(load, NatsAlonePath, s => s.Rate);
            var resent = _paths.TryGetValue((load, CrossPath), out var runs) ? string.Join(", ", runs.Select(r => N(r.Resent))) : "";
            w.WriteLine($"| {load} | {N(local)} | {N(cross)} | {X(cross / local)} | {N(alone)} | {X(cross / alone)} | {EachRepeat(load)} | {resent} |");
        }
        w.WriteLine();
        var goals = GoalLoads.Select(l => LoadName(l.Pairs, l.Size)).Where(loads.Contains)
            .Select(l => (Load: l, Share: PathStat(l, CrossPath, s => s.Rate) / PathStat(l, LocalPath, s => s.Rate)))
            .Select(g => $"{g.Load} {X(g.Share)} ({Met(g.Share, g.Share >= CrossShareGoal)})");
        w.WriteLine($"Goal: cross / local ≥ {CrossShareGoal:0.0#}× at 1 and 4 pairs × 100 B: {string.Join(", ", goals)}.");
        w.WriteLine();
        PrintPathRoundTrips(w);
        PrintPathCosts(w, loads);
        if (_clusterChartPath is not null)
        {
            ThroughputChart.WriteSeries(_clusterChartPath, "Hydra cluster throughput, messages per second (median)",
                "senders on router A; receivers on A (local) or router B (cross); NATS alone: NATS.Net, one connection to another",
                loads, [.. new[] { LocalPath, CrossPath, NatsAlonePath }.Select(p => (PathLabel(p), (Func<string, double>)(l => PathStat(l, p, s => s.Rate))))]);
            w.WriteLine($"Chart: {Path.GetFileName(_clusterChartPath)}");
            w.WriteLine();
        }
    }

    private void PrintPathRoundTrips(TextWriter w)
    {
        w.WriteLine("Round trip, µs (100 B, one in flight; local and cross: client → router A → echo peer on A or B → back; NATS alone: a NATS.Net request and its reply):");
        w.WriteLine();
        w.WriteLine("| path | p50 | p90 | p99 | p99.9 | samples | p50 − local |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var localP50 = RoundTripStat(LocalPath, r => r.P50);
        foreach (var path in new[] { LocalPath, CrossPath, NatsAlonePath }.Where(_pathRoundTrips.ContainsKey))
        {
            var p50 = RoundTripStat(path, r => r.P50);
            w.WriteLine($"| {PathLabel(path)} | {F0(p50)} | {F0(RoundTripStat(path, r => r.P90))} | {F0(RoundTripStat(path, r => r.P99))} | " +
                $"{F0(RoundTripStat(path, r => r.P999))} | {_pathRoundTrips[path].Sum(r => r.Count):N0} | {F0(p50 - localP50)} |");
        }
        w.WriteLine();
        var above = RoundTripStat(CrossPath, r => r.P50) - localP50;
        w.WriteLine($"Goal: cross round trip p50 ≤ local + {RoundTripGoalMicros:0} µs: local + {F0(above)} µs ({Met(above, above <= RoundTripGoalMicros)}); " +
            $"each repeat: {string.Join(", ", RepeatsOf(CrossPath, LocalPath).Select(p => $"+{F0(p.Cross.P50 - p.Local.P50)}"))}.");
        w.WriteLine();
    }

    private void PrintPathCosts(TextWriter w, IReadOnlyList<string> loads)
    {
        w.WriteLine("Cost per delivered message (median), CPU in µs: both router processes (A, B), nats-server, the C++ load generator, and all of them together; " +
            "for NATS alone, nats-server and this process (both NATS.Net connections). All share the 2 cores, so where they are saturated, cross / local follows local's \"all\" over cross's:");
        w.WriteLine();
        w.WriteLine("| load | local: A + B | local: loadgen | local: all | cross: A | cross: B | cross: nats-server | cross: loadgen | cross: all | cross all / local all | NATS alone: nats-server | NATS alone: NATS.Net | NATS alone: all |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var load in loads)
        {
            var localAll = PathStat(load, LocalPath, s => s.AllCpu);
            var crossAll = PathStat(load, CrossPath, s => s.AllCpu);
            w.WriteLine($"| {load} | {F(PathStat(load, LocalPath, s => s.RouterACpu + s.RouterBCpu))} | {F(PathStat(load, LocalPath, s => s.LoadgenCpu))} | {F(localAll)} | " +
                $"{F(PathStat(load, CrossPath, s => s.RouterACpu))} | {F(PathStat(load, CrossPath, s => s.RouterBCpu))} | {F(PathStat(load, CrossPath, s => s.NatsServerCpu))} | " +
                $"{F(PathStat(load, CrossPath, s => s.LoadgenCpu))} | {F(crossAll)} | {X(crossAll / localAll)} | " +
                $"{F(PathStat(load, NatsAlonePath, s => s.NatsServerCpu))} | {F(PathStat(load, NatsAlonePath, s => s.NatsClientCpu))} | {F(PathStat(load, NatsAlonePath, s => s.AllCpu))} |");
        }
        w.WriteLine();
        w.WriteLine("Allocated bytes per delivered message (median): both routing threads (`RouterStats`' poller figure), the part of it inside NATS.Net's PublishAsync, " +
            "what is left for Hydra's own code, and both router processes (every thread):");
        w.WriteLine();
        w.WriteLine("| load | local: routing threads | cross: routing threads | of which NATS.Net | cross: Hydra's own | local: processes | cross: processes |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var load in loads)
        {
            w.WriteLine($"| {load} | {F(PathStat(load, LocalPath, s => s.RoutingThreadBytes))} | {F(PathStat(load, CrossPath, s => s.RoutingThreadBytes))} | " +
                $"{F(PathStat(load, CrossPath, s => s.NatsClientBytes))} | {F(PathStat(load, CrossPath, s => s.HydraOwnBytes))} | " +
                $"{F(PathStat(load, LocalPath, s => s.ProcessBytes))} | {F(PathStat(load, CrossPath, s => s.ProcessBytes))} |");
        }
        w.WriteLine();
        var worstMedian = loads.Select(l => PathStat(l, CrossPath, s => s.HydraOwnBytes)).DefaultIfEmpty(double.NaN).Max();
        var worstRun = loads.Select(l => _paths.TryGetValue((l, CrossPath), out var list) ? list.Max(s => s.HydraOwnBytes) : double.NaN).DefaultIfEmpty(double.NaN).Max();
        w.WriteLine($"Goal: the routing threads allocate 0 B per cross-router message in Hydra's own code: at most {F(worstMedian)} B (median, any load; " +
            $"{Met(worstMedian, worstMedian < NothingPerMessage)}), {F(worstRun)} B in the worst single run. Below {NothingPerMessage} B nothing is allocated per message, " +
            "since an object takes at least 24 B: what shows is the counters' own reading and housekeeping, or a buffer growing once.");
        w.WriteLine();
    }

    /// <summary>Cross / local of each repeat: the two were measured back to back, so their ratio is steadier than either figure.</summary>
    private string EachRepeat(string load)
    {
        var pairs = _paths.TryGetValue((load, LocalPath), out var local) && _paths.TryGetValue((load, CrossPath), out var cross)
            ? local.Zip(cross, (l, c) => X(c.Rate / l.Rate))
            : [];
        return string.Join(", ", pairs);
    }

    private IEnumerable<(LatencyResult Cross, LatencyResult Local)> RepeatsOf(string cross, string local) =>
        _pathRoundTrips.TryGetValue(cross, out var c) && _pathRoundTrips.TryGetValue(local, out var l) ? c.Zip(l) : [];

    private List<string> PathLoads() =>
        [.. settings.Scenarios.Select(s => LoadName(s.Pairs, s.Size)).Where(l => _paths.Keys.Any(k => k.Load == l))];

    private double PathStat(string load, string path, Func<PathSample, double> pick) =>
        _paths.TryGetValue((load, path), out var list) ? Median.Of(list.Select(pick)) : double.NaN;

    private double RoundTripStat(string path, Func<LatencyResult, double> pick) =>
        _pathRoundTrips.TryGetValue(path, out var list) ? Median.Of(list.Select(pick)) : double.NaN;

    private static string PathLabel(string path) => path switch
    {
        LocalPath => "local (A → A)",
        CrossPath => "cross (A → B)",
        _ => "NATS alone",
    };

    private static string Met(double value, bool met) => !double.IsFinite(value) ? "not measured" : met ? "met" : "not met";
}
