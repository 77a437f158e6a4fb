using System.Diagnostics;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>Runs short system commands (ip, iptables, ss) to completion, with a deadline.</summary>
internal static class Shell
{
    /// <summary>Runs the command; throws with its stderr when it fails.</summary>
    public static string Run(string file, params string[] arguments)
    {
        var (code, output, error) = TryRun(file, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed ({code}): {error.Trim()}");
    }

    /// <summary>Runs the command and returns its exit code and output, whatever happened.</summary>
    public static (int Code, string Output, string Error) TryRun(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' took more than 10 s");
        }
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>The program's full path, looked up on the PATH and in /usr/sbin and /sbin (where ip and iptables live); null when missing.</summary>
    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/sbin")
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
