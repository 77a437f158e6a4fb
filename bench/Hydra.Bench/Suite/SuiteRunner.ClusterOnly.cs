using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Hydra.Bench.Suite;

// --cluster-only: the cluster's local against cross and NATS alone, nothing else, for quick turns
// while tuning the cluster (the full suite measures the same after everything else).
internal sealed partial class SuiteRunner
{
    private async Task<int> RunClusterOnlyAsync()
    {
        var clock = Stopwatch.StartNew();
        if (ClusterUnderTest.NatsServer is null)
        {
            output.WriteLine("cannot measure the cluster: nats-server is not installed");
            return 2;
        }
        _cpp = CppAnchors.Build();
        if (_cpp.Loadgen is null)
        {
            output.WriteLine($"cannot measure the cluster: the C++ load generator did not build: {_cpp.WhyNot}");
            return 2;
        }
        using (var cluster = ClusterUnderTest.Start(settings.HighWatermark, settings.PoolBuffers))
        {
            Progress($"cluster up: router A :{cluster.RouterA.Port}, router B :{cluster.RouterB.Port}, {cluster.NatsUrl}");
            await CompareLocalAndCrossAsync(cluster, _cpp.Loadgen);
        }
        var w = output;
        w.WriteLine();
        w.WriteLine($"## Hydra cluster benchmark (--cluster-only): {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {clock.Elapsed.TotalSeconds:F0} s");
        w.WriteLine();
        w.WriteLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        w.WriteLine();
        PrintLocalAndCross(w);
        PrintIntegrity(w);
        return _failures.Count == 0 ? 0 : 1;
    }
}
