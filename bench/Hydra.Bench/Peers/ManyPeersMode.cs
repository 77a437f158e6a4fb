using System.Globalization;
using Hydra.Bench.Load;
using Hydra.Bench.Suite;

namespace Hydra.Bench.Peers;

/// <summary>
/// <c>Hydra.Bench --peers N</c> (issue 19): N idle peers, each with a main and a heartbeat
/// connection, on Hydra (libzmq) and then on the C++ anchor, driven from several load processes.
/// Per router: one 100 B pair's throughput without them and with them, connect time, resident
/// memory per peer, heartbeats answered; on Hydra also the client table (all GOOD?) read page by
/// page, and the pair's throughput while a peer keeps reading it. "With against without" is also
/// taken side by side: a twin router of the same kind, with no peers, runs the same pair in turns
/// with the loaded one, so both see the same machine (single runs here swing by ±30 %).
/// </summary>
internal sealed class ManyPeersMode(int peers, int perProcess, TimeSpan interval, int repeats, TimeSpan seconds, TextWriter output)
{
    private readonly List<string> _failures = [];
    private readonly List<string> _rows = [];
    private readonly List<string> _twinRows = [];
    private int _run;

    public int Run()
    {
        output.WriteLine($"load average {Load()}");
        var cpp = CppAnchors.Build();
        var names = cpp.AnchorRouter is null ? [Routers.Hydra] : new[] { Routers.Hydra, Routers.Anchor };
        if (cpp.AnchorRouter is null)
        {
            output.WriteLine($"note: the C++ anchor is not measured: {cpp.WhyNot}");
        }
        foreach (var name in names)
        {
            using var router = RouterProcess.Start(name, 10_000, pool: true, anchorRouter: cpp.AnchorRouter);
            using var twin = RouterProcess.Start(name, 10_000, pool: true, anchorRouter: cpp.AnchorRouter);
            Measure(router, twin);
        }
        output.WriteLine();
        output.WriteLine($"### {peers:N0} idle peers, heartbeating every {interval.TotalSeconds:0.#} s, {perProcess:N0} a load process; one 100 B pair (median of {repeats} runs of {seconds.TotalSeconds:0.#} s)");
        output.WriteLine();
        output.WriteLine("| router | connect (s) | heartbeats answered | router CPU per heartbeat, idle (µs) | RSS before (MB) | RSS with peers (MB) | RSS per peer (B) | pair msg/s without | with | with, table read in a loop | client table |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        _rows.ForEach(output.WriteLine);
        output.WriteLine();
        output.WriteLine($"Side by side, with the peers connected: the pair through the router that has them and through a twin router with none, in turns, the order alternating ({2 * repeats} runs each). Router CPU is the process's user + system time during the pair's run, per message delivered (heartbeats included):");
        output.WriteLine();
        output.WriteLine("| router | meanwhile | pair msg/s, with the peers | twin, without | with ÷ without (median of the turns) | each turn | router CPU µs/msg, with | twin, without |");
        output.WriteLine("|---|---|---:|---:|---:|---|---:|---:|");
        _twinRows.ForEach(output.WriteLine);
        output.WriteLine();
        output.WriteLine($"load average at the end {Load()}");
        _failures.ForEach(f => output.WriteLine($"FAIL: {f}"));
        return _failures.Count == 0 ? 0 : 1;
    }

    private void Measure(RouterProcess router, RouterProcess twin)
    {
        Pair(router, TimeSpan.FromSeconds(1)); // warm-up: JIT, connections
        Pair(twin, TimeSpan.FromSeconds(1));
        var without = Median.Of(Enumerable.Range(0, repeats).Select(_ => Pair(router, seconds)));
        var before = router.ResidentBytes();
        var anchor = router.Name == Routers.Anchor;
        var names = $"{router.Name[0]}{++_run}p";
        var overflowsBefore = ListenOverflows();
        using var fleet = new PeerFleet(peers, perProcess, names, router.Port, router.HeartbeatPort, interval, onePort: anchor);
        var (answered, connect) = fleet.WaitConnected(TimeSpan.FromMinutes(5));
        var after = router.ResidentBytes();
        // A connect storm overflows a listener's queue (libzmq's backlog, 100): the SYN is dropped and resent after 1, 3, 7 … s.
        Progress($"{router.Name}: {answered:N0} of {peers:N0} peers answered in {connect.TotalSeconds:F1} s ({fleet.Processes} load processes; {ListenOverflows() - overflowsBefore:N0} listen-queue overflows on this machine meanwhile); RSS {before / 1e6:F1} -> {after / 1e6:F1} MB; load {Load()}");
        if (answered < peers)
        {
            Fail($"{router.Name}: only {answered} of {peers} peers got a heartbeat reply within 5 min");
        }
        // What the heartbeats alone cost the router: its CPU over a quiet stretch, per heartbeat due in it.
        var quiet = TimeSpan.FromSeconds(3 * interval.TotalSeconds);
        var cpuBefore = router.CpuTime();
        Thread.Sleep(quiet); // a measuring window, not a wait for anything
        var perBeat = (router.CpuTime() - cpuBefore).TotalMicroseconds / (peers * quiet.TotalSeconds / interval.TotalSeconds);
        Progress($"{router.Name}: idle with {peers:N0} peers: {perBeat:F1} µs of router CPU per heartbeat answered ({peers / interval.TotalSeconds:N0} a second)");
        var with = Median.Of(Enumerable.Range(0, repeats).Select(_ => Pair(router, seconds)));
        SideBySide(router, twin, "the peers heartbeating");
        var table = "–";
        var withPager = double.NaN;
        if (!anchor)
        {
            using var pager = new ClientsPager(router.Port);
            var walk = pager.Walk(TimeSpan.FromMinutes(1), names);
            // The pairs' peers and the pager itself are in the table too.
            table = $"{walk.Good:N0} of the {walk.Rows:N0} idle peers' rows GOOD; {walk.Total:N0} rows in {walk.Pages} pages, read in {walk.Elapsed.TotalSeconds:F1} s";
            Progress($"{router.Name}: client table {table}");
            if (walk.Good < peers)
            {
                Fail($"{router.Name}: {walk.Good} GOOD rows in the client table, {peers} peers connected");
            }
            pager.Start();
            withPager = Median.Of(Enumerable.Range(0, repeats).Select(_ => Pair(router, seconds)));
            SideBySide(router, twin, "and the client table read in a loop");
            var (requests, pages, busy, walks) = pager.Stop();
            Progress($"{router.Name}: meanwhile the pager asked {requests} times: {pages} pages, {busy} busy, {walks} whole walks");
        }
        var (sent, replies) = fleet.Stop();
        if (replies < sent)
        {
            Fail($"{router.Name}: {sent} heartbeats sent, {replies} answered");
        }
        var perPeer = (after - before) / (double)peers;
        _rows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {router.Name} | {connect.TotalSeconds:F1} | {replies:N0} / {sent:N0} | {perBeat:F1} | {before / 1e6:F1} | {after / 1e6:F1} | {perPeer:N0} | {without:N0} | {with:N0} ({with / without:P0}) | {(double.IsNaN(withPager) ? "–" : $"{withPager:N0} ({withPager / without:P0})")} | {table} |"));
    }

    /// <summary>The pair through the router with the peers and through the twin without, in turns; the ratio of each turn.</summary>
    private void SideBySide(RouterProcess router, RouterProcess twin, string meanwhile)
    {
        var turns = new List<(double With, double Without, double CpuWith, double CpuWithout)>();
        for (var turn = 0; turn < 2 * repeats; turn++)
        {
            double withRate, withoutRate, cpuWith, cpuWithout;
            if (turn % 2 == 0)
            {
                withRate = Pair(router, seconds, out cpuWith);
                withoutRate = Pair(twin, seconds, out cpuWithout);
            }
            else
            {
                withoutRate = Pair(twin, seconds, out cpuWithout);
                withRate = Pair(router, seconds, out cpuWith);
            }
            turns.Add((withRate, withoutRate, cpuWith, cpuWithout));
        }
        var ratios = turns.Select(t => t.With / t.Without).ToArray();
        var ratio = Median.Of(ratios);
        var eachTurn = string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
        Progress($"{router.Name}: side by side ({meanwhile}), with ÷ without {ratio:F2} (each turn {eachTurn})");
        _twinRows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {router.Name} | {meanwhile} | {Median.Of(turns.Select(t => t.With)):N0} | {Median.Of(turns.Select(t => t.Without)):N0} | {ratio:F2}× | {eachTurn} | {Median.Of(turns.Select(t => t.CpuWith)):F2} | {Median.Of(turns.Select(t => t.CpuWithout)):F2} |"));
    }

    private double Pair(RouterProcess router, TimeSpan duration) => Pair(router, duration, out _);

    /// <summary>One 100 B pair through the router; its delivered rate (a run that lost anything fails the benchmark), and the router's CPU per message meanwhile.</summary>
    private double Pair(RouterProcess router, TimeSpan duration, out double cpuPerMessage)
    {
        cpuPerMessage = double.NaN;
        using var run = new ZmqPairRun($"mp{++_run}", router.Port, 100, 400, byteExact: true);
        if (!run.Handshake(TimeSpan.FromSeconds(30)))
        {
            Fail($"{router.Name}: the pair got no answer to its ping within 30 s");
            return double.NaN;
        }
        var cpuBefore = router.CpuTime();
        var result = run.Run(duration, TimeSpan.FromSeconds(10));
        cpuPerMessage = (router.CpuTime() - cpuBefore).TotalMicroseconds / Math.Max(1, result.Received);
        if (!result.Clean)
        {
            Fail($"{router.Name}: sent {result.Sent}, delivered {result.Received}, errors {result.Errors}, gaps {result.Gaps}");
        }
        var rate = result.Received / result.Seconds;
        Progress($"{router.Name}: pair {rate:N0} msg/s");
        return rate;
    }

    private void Fail(string what)
    {
        _failures.Add(what);
        output.WriteLine($"FAIL: {what}");
    }

    private void Progress(string line) => output.WriteLine($"  {line}");

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>TcpExt ListenOverflows from /proc/net/netstat (the whole machine).</summary>
    private static long ListenOverflows()
    {
        var lines = File.ReadAllLines("/proc/net/netstat").Where(l => l.StartsWith("TcpExt:", StringComparison.Ordinal)).ToArray();
        var index = Array.IndexOf(lines[0].Split(' '), "ListenOverflows");
        return long.Parse(lines[1].Split(' ')[index], CultureInfo.InvariantCulture);
    }
}
