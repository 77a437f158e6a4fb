using System.Diagnostics;
using System.Text.Json;

namespace Hydra.Bench.Suite;

/// <summary>
/// One run of the C++ load generator with <c>--wait-for-go</c>: it connects its peers (and, across
/// routers, probes until they reach each other), says "ready", and measures only once told to, so
/// the caller can read the routers' counters around the measured part alone.
/// </summary>
internal sealed class LoadgenProcess : IDisposable
{
    private static readonly TimeSpan ResultLimit = TimeSpan.FromMinutes(5);
    private readonly Process _process;
    private readonly Task<string> _errors;

    private LoadgenProcess(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
    }

    public static LoadgenProcess Start(string loadgen, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(loadgen, [.. arguments, "--wait-for-go"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return new LoadgenProcess(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {loadgen}"));
    }

    /// <summary>Waits for "ready"; false if the load generator gave up (a router did not answer, or a probe never arrived).</summary>
    public bool WaitUntilReady(TimeSpan limit)
    {
        var line = _process.StandardOutput.ReadLineAsync();
        return line.Wait(limit) && line.Result == "ready";
    }

    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
    }

    /// <summary>The result line, or null (then <see cref="Errors"/> says why).</summary>
    public JsonDocument? Result()
    {
        var line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(ResultLimit) || line.Result is not { } json || !json.StartsWith('{'))
        {
            return null;
        }
        return JsonDocument.Parse(json);
    }

    /// <summary>What the load generator wrote on standard error (once it has ended).</summary>
    public string Errors()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill();
        }
        return _errors.Wait(TimeSpan.FromSeconds(5)) ? _errors.Result.Trim() : "";
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
