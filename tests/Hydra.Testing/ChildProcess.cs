using System.Diagnostics;
using System.Threading.Channels;

namespace Hydra.Testing;

/// <summary>A child process whose output lines can be awaited with a deadline. Killed on dispose.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Every line so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_seen)
            {
                return string.Join('\n', _seen);
            }
        }
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status).</summary>
    private static readonly Lazy<bool> InterruptIgnoredHere = new(() =>
        File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0);

    public static ChildProcess Start(string fileName, params string[] arguments) => Start(fileName, arguments, environment: null);

    public static ChildProcess Start(string fileName, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        if (InterruptIgnoredHere.Value)
        {
            // A test run started in the background of a script ignores SIGINT, and a child inherits
            // that, so Ctrl+C would never reach it: give the child the default back (coreutils env).
            (fileName, arguments) = ("env", ["--default-signal=INT,QUIT", fileName, .. arguments]);
        }
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return new ChildProcess(new Process { StartInfo = info });
    }

    /// <summary>Runs the hydra CLI (built next to the tests) with these arguments.</summary>
    public static ChildProcess Hydra(params string[] arguments) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "hydra.dll"), .. arguments]);

    /// <summary>Runs the hydra CLI as on a machine without libzmq (HYDRA_LIBZMQ names a file that does not exist).</summary>
    public static ChildProcess HydraWithoutLibZmq(params string[] arguments) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "hydra.dll"), .. arguments],
            new Dictionary<string, string> { ["HYDRA_LIBZMQ"] = "/nonexistent/libzmq.so.5" });

    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"no line with {what}; output so far:\n{Output}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process did not exit in time; output so far:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Runs the hydra CLI with these arguments and these environment variables set.</summary>
    public static ChildProcess Hydra(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "hydra.dll"), .. arguments], environment);

    /// <summary>Writes one line to standard input (some Python scripts read commands there).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Closes standard input, which the Python scripts take as "stop".</summary>
    public void CloseInput() => _process.StandardInput.Close();

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_seen)
        {
            _seen.Add(line);
        }
        _lines.Writer.TryWrite(line);
    }
}
