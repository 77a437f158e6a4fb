using System.Diagnostics;
using System.Globalization;

namespace Hydra.Bench.Peers;

/// <summary>
/// The many-peers run's load processes (<see cref="PeersChild"/>), each with a share of the peers.
/// Every wait has a deadline; whatever still runs is killed on dispose.
/// </summary>
internal sealed class PeerFleet : IDisposable
{
    private readonly List<Process> _children = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <param name="perProcess">At most this many peers a process: four descriptors each, under its own open-file limit.</param>
    public PeerFleet(int total, int perProcess, string names, int port, int heartbeatPort, TimeSpan interval, bool onePort)
    {
        var processes = (total + perProcess - 1) / perProcess;
        for (var p = 0; p < processes; p++)
        {
            var count = (total / processes) + (p < total % processes ? 1 : 0);
            string[] args = ["peers-child", "--count", I(count), "--names", $"{names}{p}", "--port", I(port), "--heartbeat-port", I(heartbeatPort),
                "--interval", I(interval.TotalSeconds), .. onePort ? new[] { "--one-port" } : []];
            var info = Suite.RouterProcess.SelfStartInfo(args);
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.UseShellExecute = false;
            _children.Add(Process.Start(info) ?? throw new InvalidOperationException("cannot start a load process"));
        }
    }

    public int Processes => _children.Count;

    /// <summary>Peers answered, and the time from launching the processes to the last one's report.</summary>
    public (int Answered, TimeSpan Elapsed) WaitConnected(TimeSpan limit)
    {
        var answered = 0;
        var deadline = DateTime.UtcNow + limit;
        foreach (var child in _children)
        {
            var line = ReadLine(child, deadline - DateTime.UtcNow);
            if (line is not null && line.Split(' ') is ["CONNECTED", var n, _])
            {
                answered += int.Parse(n, CultureInfo.InvariantCulture);
            }
            else
            {
                Console.WriteLine($"  a load process said: {line ?? "nothing in time"}");
            }
        }
        return (answered, _clock.Elapsed);
    }

    /// <summary>Stops the heartbeats (closes standard input) and adds up what each process sent and got back.</summary>
    public (long Sent, long Replies) Stop()
    {
        long sent = 0, replies = 0;
        foreach (var child in _children)
        {
            child.StandardInput.Close();
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var child in _children)
        {
            if (ReadLine(child, deadline - DateTime.UtcNow)?.Split(' ') is ["DONE", var s, var r])
            {
                sent += long.Parse(s, CultureInfo.InvariantCulture);
                replies += long.Parse(r, CultureInfo.InvariantCulture);
            }
        }
        return (sent, replies);
    }

    private static string? ReadLine(Process process, TimeSpan limit)
    {
        var read = process.StandardOutput.ReadLineAsync();
        return limit > TimeSpan.Zero && read.Wait(limit) ? read.Result : null;
    }

    public void Dispose()
    {
        foreach (var child in _children)
        {
            try
            {
                child.StandardInput.Close(); // a run that failed before Stop: let it end on its own
                if (!child.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    child.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // never started or already reaped
            }
            child.Dispose();
        }
    }

    private static string I(double value) => value.ToString(CultureInfo.InvariantCulture);
}
