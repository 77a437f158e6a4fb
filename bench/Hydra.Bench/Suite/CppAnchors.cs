using System.Diagnostics;

namespace Hydra.Bench.Suite;

/// <summary>
/// The C++ programs in bench/cpp: the anchor router (the fastest plausible Hydra-shaped router on
/// libzmq) and the C++ load generator. Built once per suite with bench/cpp/build.sh when g++
/// and libzmq's headers are there; otherwise the suite says why and goes on without them.
/// </summary>
internal sealed record CppAnchors(string? AnchorRouter, string? Loadgen, string? WhyNot)
{
    public static CppAnchors Build()
    {
        var script = FindRepoFile(Path.Combine("bench", "cpp", "build.sh"));
        if (script is null)
        {
            return new(null, null, "bench/cpp/build.sh not found next to this build");
        }
        var output = Path.Combine(Path.GetTempPath(), "hydra-bench-cpp");
        var info = new ProcessStartInfo("bash", [script, output]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var build = Process.Start(info)!;
        var errors = build.StandardError.ReadToEndAsync();
        build.StandardOutput.ReadToEnd();
        if (!build.WaitForExit(TimeSpan.FromMinutes(2)) || build.ExitCode != 0)
        {
            return new(null, null, errors.Result.Trim().Split('\n')[0]);
        }
        return new(Path.Combine(output, "anchor_router"), Path.Combine(output, "loadgen"), null);
    }

    /// <summary>A file of the repository this build came from, found by walking up from the program.</summary>
    private static string? FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
