using System.Diagnostics;
using System.Globalization;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// A process of the lab (nats-server, a router, a traffic peer), on loopback or inside a network
/// namespace. Unlike <c>ChildProcess</c> it takes commands on stdin, and its waits look at every line
/// it printed so far, so the order in which lines come never makes a wait miss one. Killed on dispose.
/// </summary>
internal sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _openStreams = 2; // stdout and stderr

    private LabProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="file"/>; inside network namespace <paramref name="netns"/> when given (ip netns exec execs it, so the pid is the program's own).</summary>
    public static LabProcess Start(string name, string? netns, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(netns is null ? file : Shell.Find("ip") ?? "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in netns is null ? arguments : ["netns", "exec", netns, file, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }
        return new LabProcess(name, new Process { StartInfo = info });
    }

    /// <summary>Waits for a line matching <paramref name="match"/> among all printed from line <paramref name="from"/> on.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan deadline, int from = 0)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var next = from;
        while (true)
        {
            Task changed;
            lock (_lines)
            {
                for (; next < _lines.Count; next++)
                {
                    if (match(_lines[next]))
                    {
                        return _lines[next];
                    }
                }
                if (_openStreams == 0)
                {
                    throw new InvalidOperationException($"{Name} ended without a line with {what}; its output:\n{Tail()}");
                }
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name}: no line with {what} within {deadline.TotalSeconds:0.#} s; its output:\n{Tail()}");
            }
        }
    }

    public void WriteLine(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>Sends a signal (KILL, STOP, CONT, …) to the process itself.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5000);
    }

    public async Task WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {deadline.TotalSeconds:0.#} s; its output:\n{Tail()}");
        }
    }

    /// <summary>The last lines printed (those <paramref name="keep"/> keeps), for failure messages; very long lines (a summary) are cut short.</summary>
    public string Tail(int count = 40, Func<string, bool>? keep = null)
    {
        lock (_lines)
        {
            var kept = _lines.Where(keep ?? (_ => true)).ToList();
            return string.Join('\n', kept.Skip(Math.Max(0, kept.Count - count)).Select(l => l.Length > 300 ? l[..300] + " …" : l));
        }
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
        lock (_lines)
        {
            if (line is null)
            {
                _openStreams--; // stdout or stderr closed: the process is ending
            }
            else
            {
                _lines.Add(line);
            }
            _changed.TrySetResult();
            _changed = NewSignal();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
