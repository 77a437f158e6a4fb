using System.Diagnostics;
using System.Globalization;

namespace Hydra.Bench.Suite;

/// <summary>Counters a router child reports (Hydra and raw; the Python router reports none).</summary>
/// <param name="NatsAllocated">In a cluster: what NATS.Net's PublishAsync allocated on the routing thread (part of <paramref name="PollerAllocated"/>).</param>
/// <param name="Resent">In a cluster: link entries sent again (<c>ClusterStats.Resent</c>, as of the router's last tick).</param>
internal sealed record RouterStats(long Routed, long Errors, long UndeliveredReplies, long PollerAllocated, long ProcessAllocated, long Gen0, long Gen2, long PooledOutstanding, long NatsAllocated = 0, long Resent = 0);

/// <summary>What the suite measures: one router process, or a cluster of two (sender on one, receiver on the other).</summary>
internal interface IRouterUnderTest : IDisposable
{
    string Name { get; }
    /// <summary>Where senders (and clients) connect.</summary>
    int Port { get; }
    /// <summary>Where receivers (and echo peers) connect: the same as <see cref="Port"/> for one router.</summary>
    int ReceiverPort { get; }
    bool HasStats { get; }
    RouterStats? Stats();
    TimeSpan CpuTime();
}

/// <summary>
/// A router under test running as a child process: Hydra and the raw forwarder are this
/// program in <c>serve</c> mode, the Python one is bench/python/py_router.py. Closing its
/// standard input stops it; it is killed if it does not stop within a few seconds.
/// </summary>
internal sealed class RouterProcess : IRouterUnderTest
{
    private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private RouterProcess(string name, Process process, int port, int heartbeatPort)
    {
        Name = name;
        _process = process;
        Port = port;
        HeartbeatPort = heartbeatPort;
    }

    public string Name { get; }
    public int Port { get; }
    public int HeartbeatPort { get; }
    public int ReceiverPort => Port;
    public bool HasStats => Name is Routers.Hydra or Routers.HydraNetMQ or Routers.Raw or Routers.RawLibZmq or Routers.Baseline or Routers.BusyTable or Routers.Metrics or Routers.Cluster;

    /// <param name="name">Which router.</param>
    /// <param name="highWatermark">The Hydra router's high-water mark.</param>
    /// <param name="pool">NetMQ's pooled buffers.</param>
    /// <param name="baselineBench">For <see cref="Routers.Baseline"/>: the other build's Hydra.Bench.dll.</param>
    /// <param name="anchorRouter">For <see cref="Routers.Anchor"/>: the C++ router's executable.</param>
    /// <param name="extra">More arguments for <c>serve</c> (a cluster's).</param>
    public static RouterProcess Start(string name, int highWatermark, bool pool, string? baselineBench = null, string? anchorRouter = null, params string[] extra)
    {
        string[] serveArgs = ["--hwm", highWatermark.ToString(CultureInfo.InvariantCulture), .. (pool ? Array.Empty<string>() : ["--no-pool"])];
        var info = name switch
        {
            Routers.Baseline => new ProcessStartInfo("dotnet", [baselineBench!, "serve", Routers.Hydra, .. serveArgs]),
            Routers.Python => Python("python", "py_router.py", "0", "0"),
            Routers.PythonSync => Python("python-sync", "py_router.py", "--port", "0", "--heartbeat-port", "0"),
            Routers.Anchor => new ProcessStartInfo(anchorRouter!, ["tcp://127.0.0.1:*"]),
            Routers.Cluster => SelfStartInfo(["serve", Routers.Hydra, "--transport", "auto", .. serveArgs, .. extra]),
            Routers.Hydra or Routers.BusyTable => SelfStartInfo(["serve", name, "--transport", "auto", .. serveArgs]),
            Routers.HydraNetMQ => SelfStartInfo(["serve", Routers.Hydra, "--transport", "netmq", .. serveArgs]),
            _ => SelfStartInfo(["serve", name, .. serveArgs]),
        };
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start the {name} router");
        var ready = ReadLine(process, TimeSpan.FromSeconds(30));
        var parts = ready is not null && ready.StartsWith('{') ? FromJsonReady(ready) : ready?.Split(' ');
        if (parts is ["READY", var endpoint] && endpoint.LastIndexOf(':') is var colon and > 0)
        {
            parts = ["READY", endpoint[(colon + 1)..], endpoint[(colon + 1)..]]; // the anchor: one port, heartbeats answered on it
        }
        if (parts is not ["READY", var main, var heartbeat])
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InvalidOperationException($"the {name} router did not start (said: {ready ?? "nothing"})");
        }
        return new RouterProcess(name, process, int.Parse(main, CultureInfo.InvariantCulture), int.Parse(heartbeat, CultureInfo.InvariantCulture));
    }

    /// <summary>Whether a Python router's script is there (the sync one comes from tests/python/).</summary>
    public static bool ScriptExists(string name) => name switch
    {
        Routers.Python => File.Exists(Path.Combine(AppContext.BaseDirectory, "python", "py_router.py")),
        Routers.PythonSync => File.Exists(Path.Combine(AppContext.BaseDirectory, "python-sync", "py_router.py")),
        _ => true,
    };

    private static ProcessStartInfo Python(string folder, string script, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { "-u", Path.Combine(AppContext.BaseDirectory, folder, script) } };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>The test router says <c>{"event": "ready", "port": P, "heartbeat_port": H}</c>.</summary>
    private static string[]? FromJsonReady(string line)
    {
        using var json = System.Text.Json.JsonDocument.Parse(line);
        var root = json.RootElement;
        return root.TryGetProperty("event", out var e) && e.GetString() == "ready"
            ? ["READY", root.GetProperty("port").GetInt32().ToString(CultureInfo.InvariantCulture), root.GetProperty("heartbeat_port").GetInt32().ToString(CultureInfo.InvariantCulture)]
            : null;
    }

    /// <summary>This program again, whether it was started as an apphost or as <c>dotnet Hydra.Bench.dll</c>.</summary>
    internal static ProcessStartInfo SelfStartInfo(string[] args)
    {
        var host = Environment.ProcessPath!;
        var info = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(RouterProcess).Assembly.Location);
        }
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>Resident memory of the router process, from /proc (Linux).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return -1;
    }

    /// <summary>CPU time the router process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public RouterStats? Stats()
    {
        if (!HasStats)
        {
            return null;
        }
        var fields = Ask("stats", "STATS");
        return new RouterStats(fields["routed"], fields["errors"], fields["undelivered_replies"], fields["poller_alloc"], fields["process_alloc"], fields["gc0"], fields["gc2"], fields["pooled_out"],
            fields.GetValueOrDefault("nats_alloc"), fields.GetValueOrDefault("resent"));
    }

    /// <summary>The allocation sampler's report (only when HYDRA_BENCH_ALLOC_SAMPLES=1).</summary>
    public string? AllocationSamples()
    {
        if (!HasStats)
        {
            return null;
        }
        _process.StandardInput.WriteLine("samples");
        _process.StandardInput.Flush();
        return ReadLine(_process, ReplyLimit);
    }

    /// <summary>Managed heap after a full collection, or -1 for the Python router.</summary>
    public long ManagedHeap() => HasStats ? Ask("mem", "MEM")["heap"] : -1;

    private Dictionary<string, long> Ask(string command, string tag)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        var line = ReadLine(_process, ReplyLimit) ?? throw new InvalidOperationException($"the {Name} router did not answer '{command}'");
        var parts = line.Split(' ');
        if (parts[0] != tag)
        {
            throw new InvalidOperationException($"the {Name} router answered '{line}' to '{command}'");
        }
        return parts.Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
    }

    private static string? ReadLine(Process process, TimeSpan limit)
    {
        var read = process.StandardOutput.ReadLineAsync();
        return read.Wait(limit) ? read.Result : null;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}

internal static class Routers
{
    /// <summary>Hydra as users get it: on libzmq where it is installed (Auto), else NetMQ.</summary>
    public const string Hydra = "hydra";
    /// <summary>Hydra on NetMQ, measured beside it when Hydra runs on libzmq.</summary>
    public const string HydraNetMQ = "hydra-netmq";
    public const string Raw = "raw";
    /// <summary>The bare C# forwarder on the libzmq binding (tests/.../LibZmqForwarder.cs).</summary>
    public const string RawLibZmq = "raw-libzmq";
    /// <summary>The C++ anchor router (bench/cpp/anchor_router.cpp).</summary>
    public const string Anchor = "anchor";
    /// <summary>The Hydra router of another build (--baseline), to compare a change in one run.</summary>
    public const string Baseline = "hydra-baseline";
    /// <summary>Hydra with a big client table, read by a sampler and asked for by a peer in a loop (1x100 B only).</summary>
    public const string BusyTable = "hydra-table";
    /// <summary>Hydra exporting its metrics (Prometheus /metrics), scraped every second while it routes (--metrics).</summary>
    public const string Metrics = "hydra-metrics";
    public const string Python = "python";
    public const string PythonSync = "python-sync";
    public const string Cluster = "cluster";
}
