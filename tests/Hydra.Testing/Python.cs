using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Hydra.Testing;

/// <summary>
/// Runs the pyzmq scripts under tests/python with Debian's python3 (python3-zmq).
/// Where pyzmq is missing the interop tests are skipped and say why; with
/// HYDRA_REQUIRE_PYTHON=1 (as CI sets it) they run and fail instead, so CI never passes them silently.
/// </summary>
public static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    public static readonly Lazy<bool> HasPyzmq = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(Interpreter, ["-c", "import zmq"]) { RedirectStandardError = true });
            return probe!.WaitForExit(15_000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static bool Required => Environment.GetEnvironmentVariable("HYDRA_REQUIRE_PYTHON") == "1";

    public static ChildProcess Run(string script, params string[] arguments) =>
        ChildProcess.Start(Interpreter, [Path.Combine(AppContext.BaseDirectory, "python", script), .. arguments]);

    /// <summary>Waits for the script's next JSON event line with the given "event".</summary>
    public static async Task<JsonObject> WaitForEventAsync(this ChildProcess script, string eventName, TimeSpan? deadline = null)
    {
        var line = await script.WaitForLineAsync(l => l.StartsWith('{') && l.Contains($"\"event\": \"{eventName}\"", StringComparison.Ordinal), $"event {eventName}", deadline);
        return (JsonObject)JsonNode.Parse(line)!;
    }
}

/// <summary>A fact that needs python3 with pyzmq.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!Python.Required && !Python.HasPyzmq.Value)
        {
            Skip = "python3-zmq is not installed (apt-get install -y python3-zmq); interop test not run";
        }
    }
}

/// <summary>A theory that needs python3 with pyzmq (skipped like <see cref="PythonFactAttribute"/>).</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute()
    {
        if (!Python.Required && !Python.HasPyzmq.Value)
        {
            Skip = "python3-zmq is not installed (apt-get install -y python3-zmq); interop test not run";
        }
    }
}
