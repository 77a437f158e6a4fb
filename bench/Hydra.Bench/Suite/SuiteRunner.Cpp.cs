using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Hydra.Bench.Suite;

// The load generator's ceiling, checked from outside: the C++ load generator (bench/cpp) measures
// the anchor and Hydra too. Where it and this program's load generator agree, neither is the limit.
internal sealed partial class SuiteRunner
{
    private static readonly (int Pairs, int Size)[] CppScenarios = [(1, 100), (4, 100), (1, 1000)];
    private readonly Dictionary<(string Load, string Router), double> _cppRates = [];
    private readonly Dictionary<string, double> _cppRoundTrip = [];

    private void CrossCheckWithCppLoadgen(IReadOnlyList<RouterProcess> routers)
    {
        if (_cpp?.Loadgen is null)
        {
            return;
        }
        foreach (var router in routers.Where(r => r.Name is Routers.Anchor or Routers.Hydra))
        {
            foreach (var (pairs, size) in CppScenarios)
            {
                var line = RunLoadgen(["--router", $"tcp://127.0.0.1:{router.Port}", "--pairs", Text(pairs), "--size", Text(size),
                    "--seconds", settings.ThroughputDuration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--runs", Text(settings.Repeats)]);
                if (line?.RootElement.GetProperty("clean").GetBoolean() != true)
                {
                    Fail($"C++ loadgen through {router.Name}, {LoadName(pairs, size)}: {line?.RootElement.GetRawText() ?? "no result"}");
                    continue;
                }
                _cppRates[(LoadName(pairs, size), router.Name)] = line.RootElement.GetProperty("msg_per_s").GetDouble();
                Progress($"C++ loadgen -> {Label(router.Name)} {LoadName(pairs, size)}: {_cppRates[(LoadName(pairs, size), router.Name)]:N0} msg/s");
            }
            var roundTrip = RunLoadgen(["--mode", "roundtrip", "--router", $"tcp://127.0.0.1:{router.Port}", "--size", "100",
                "--count", Text(settings.LatencyCount), "--warmup", Text(settings.LatencyWarmup), "--runs", Text(settings.Repeats)]);
            if (roundTrip is not null)
            {
                _cppRoundTrip[router.Name] = roundTrip.RootElement.GetProperty("p50_us").GetDouble();
            }
        }
    }

    private JsonDocument? RunLoadgen(string[] arguments)
    {
        var info = new ProcessStartInfo(_cpp!.Loadgen!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var loadgen = Process.Start(info)!;
        var errors = loadgen.StandardError.ReadToEndAsync();
        var output = loadgen.StandardOutput.ReadToEnd();
        if (!loadgen.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            loadgen.Kill();
            return null;
        }
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (last is null || !last.StartsWith('{'))
        {
            Progress($"C++ loadgen {string.Join(' ', arguments)}: {errors.Result.Trim()}");
            return null;
        }
        return JsonDocument.Parse(last);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
