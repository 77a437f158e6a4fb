using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// Not a test but a measurement hosted by one, until the libzmq router joins bench/Hydra.Bench:
/// the C++ load generator (bench/cpp/loadgen) against <see cref="LibZmqForwarder"/>, the bare C#
/// forwarder on the binding, in the scenarios bench/cpp/run.sh measures the C++ anchor in. Runs only when
/// HYDRA_CPP_LOADGEN names the built loadgen; asserts only that no message was lost, duplicated,
/// reordered or refused, never a rate. Build in Release for figures worth reading:
/// <code>
/// bench/cpp/build.sh /tmp/hydra-cpp
/// HYDRA_CPP_LOADGEN=/tmp/hydra-cpp/loadgen dotnet test tests/Hydra.Tests -c Release \
///   --filter FullyQualifiedName~ForwarderLoadgenBench --logger "console;verbosity=detailed"
/// </code>
/// </summary>
public sealed class ForwarderLoadgenBench(ITestOutputHelper output)
{
    [LoadgenFact]
    public async Task Cpp_loadgen_through_the_csharp_forwarder_on_the_binding()
    {
        var loadgen = Environment.GetEnvironmentVariable(LoadgenFactAttribute.Variable)!;
        var seconds = Environment.GetEnvironmentVariable("HYDRA_CPP_LOADGEN_SECONDS") ?? "3";
        using var forwarder = new LibZmqForwarder();
        string[][] scenarios =
        [
            ["--pairs", "1", "--size", "100", "--seconds", seconds],
            ["--pairs", "4", "--size", "100", "--seconds", seconds],
            ["--pairs", "1", "--size", "1000", "--seconds", seconds],
            ["--mode", "roundtrip", "--size", "100", "--count", "10000", "--warmup", "1000"],
        ];
        foreach (var scenario in scenarios)
        {
            var (exitCode, line) = await RunAsync(loadgen, ["--router", forwarder.Endpoint, "--runs", "3", .. scenario]);
            output.WriteLine(line);
            Assert.True(exitCode == 0, $"loadgen saw lost, duplicated, reordered or refused messages: {line}");
        }
        output.WriteLine(FormattableString.Invariant($"forwarder: {forwarder}"));
    }

    private static async Task<(int ExitCode, string LastLine)> RunAsync(string loadgen, string[] arguments)
    {
        var info = new ProcessStartInfo(loadgen) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0, $"loadgen {string.Join(' ', arguments)} exited {process.ExitCode.ToString(CultureInfo.InvariantCulture)} without a result: {await stderr}");
        return (process.ExitCode, lines[^1]);
    }
}

/// <summary>Runs only when HYDRA_CPP_LOADGEN names the built C++ load generator.</summary>
public sealed class LoadgenFactAttribute : FactAttribute
{
    public const string Variable = "HYDRA_CPP_LOADGEN";

    public LoadgenFactAttribute()
    {
        if (LibZmqFact.SkipReason() is { } reason)
        {
            Skip = reason;
        }
        else if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } path || !File.Exists(path))
        {
            Skip = $"a measurement, not a test: set {Variable} to bench/cpp's built loadgen (bench/cpp/build.sh) to run it";
        }
    }
}
