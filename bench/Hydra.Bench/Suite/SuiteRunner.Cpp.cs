using System.Globalization;
using Hydra.Bench.Load;

namespace Hydra.Bench.Suite;

// The load generator's ceiling, checked from outside: the C++ load generator (bench/cpp) measures
// the anchor, Hydra and the baseline build too, in turns (a noisy moment hits them all), and the
// router's CPU is read around the measured part only, the same way for each (issue 19's yardstick).
internal sealed partial class SuiteRunner
{
    private readonly Dictionary<(string Load, string Router), List<(double Rate, double CpuMicros)>> _cppRuns = [];
    private readonly Dictionary<string, List<LatencyResult>> _cppRoundTrips = [];

    private void CrossCheckWithCppLoadgen(IReadOnlyList<RouterProcess> routers)
    {
        if (_cpp?.Loadgen is not { } loadgen)
        {
            return;
        }
        var measured = routers.Where(r => r.Name is Routers.Anchor or Routers.Hydra or Routers.Baseline).ToList();
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            foreach (var (pairs, size) in settings.Scenarios)
            {
                foreach (var router in measured)
                {
                    CppThroughput(loadgen, router, pairs, size);
                }
            }
            foreach (var router in measured)
            {
                CppRoundTrip(loadgen, router);
            }
        }
    }

    private void CppThroughput(string loadgen, RouterProcess router, int pairs, int size)
    {
        var load = LoadName(pairs, size);
        using var run = LoadgenProcess.Start(loadgen, ["--router", $"tcp://127.0.0.1:{router.Port}", "--pairs", Text(pairs), "--size", Text(size),
            "--seconds", settings.ThroughputDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--window", Text(settings.Window), "--names", $"c{++_runNumber}"]);
        if (!run.WaitUntilReady(LoadgenReadyLimit))
        {
            Fail($"C++ loadgen through {router.Name}, {load}: it did not get going: {run.Errors()}");
            return;
        }
        var before = router.CpuTime();
        run.Go();
        using var result = run.Result();
        var after = router.CpuTime();
        if (result is null || !result.RootElement.GetProperty("clean").GetBoolean())
        {
            Fail($"C++ loadgen through {router.Name}, {load}: {result?.RootElement.GetRawText() ?? run.Errors()}");
            return;
        }
        var json = result.RootElement;
        Account($"C++ loadgen, {Label(router.Name)}", load, [LoadgenPairResult(json)]);
        var rate = json.GetProperty("msg_per_s").GetDouble();
        var cpu = (after - before).TotalMicroseconds / Math.Max(1, json.GetProperty("received").GetInt64());
        CppRuns(load, router.Name).Add((rate, cpu));
        Progress($"C++ loadgen -> {Label(router.Name)} {load}: {rate:N0} msg/s, router CPU {cpu:F2} us/msg");
    }

    private void CppRoundTrip(string loadgen, RouterProcess router)
    {
        if (LoadgenRoundTrip(loadgen, ["--router", $"tcp://127.0.0.1:{router.Port}"], 'c', out var problem) is not { } roundTrip)
        {
            Fail($"C++ loadgen round trip through {router.Name}: {problem}");
            return;
        }
        if (!_cppRoundTrips.TryGetValue(router.Name, out var list))
        {
            _cppRoundTrips[router.Name] = list = [];
        }
        list.Add(roundTrip);
        Progress($"C++ loadgen round trip -> {Label(router.Name)}: p50 {roundTrip.P50:F0} us, p99 {roundTrip.P99:F0} us");
    }

    /// <summary>One run of the C++ load generator's 100 B round trip through <paramref name="endpoints"/>; null, with why in <paramref name="problem"/>, when it gave none.</summary>
    private LatencyResult? LoadgenRoundTrip(string loadgen, string[] endpoints, char names, out string? problem)
    {
        using var run = LoadgenProcess.Start(loadgen, ["--mode", "roundtrip", .. endpoints, "--size", "100",
            "--count", Text(settings.LatencyCount), "--warmup", Text(settings.LatencyWarmup), "--names", $"{names}{++_runNumber}"]);
        if (!run.WaitUntilReady(LoadgenReadyLimit))
        {
            problem = $"the C++ load generator did not get going: {run.Errors()}";
            return null;
        }
        run.Go();
        using var result = run.Result();
        if (result is null)
        {
            problem = $"no result from the C++ load generator (a wrong or missing answer): {run.Errors()}";
            return null;
        }
        problem = null;
        var json = result.RootElement;
        return new LatencyResult(json.GetProperty("count").GetInt64(), json.GetProperty("p50_us").GetDouble(), json.GetProperty("p90_us").GetDouble(),
            json.GetProperty("p99_us").GetDouble(), json.GetProperty("p999_us").GetDouble(), 0, 0);
    }

    private List<(double Rate, double CpuMicros)> CppRuns(string load, string router)
    {
        if (!_cppRuns.TryGetValue((load, router), out var runs))
        {
            _cppRuns[(load, router)] = runs = [];
        }
        return runs;
    }

    private double CppRate(string load, string router) => Median.Of(CppRuns(load, router).Select(r => r.Rate));

    private double CppCpu(string load, string router) => Median.Of(CppRuns(load, router).Select(r => r.CpuMicros));

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
