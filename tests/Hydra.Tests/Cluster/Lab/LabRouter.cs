using System.Globalization;
using System.Text.RegularExpressions;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// <c>hydra router --headless --cluster …</c> as a child process in a place, listening on that
/// place's loopback (its peers run beside it), so that killing it is a real crash.
/// </summary>
internal sealed partial class LabRouter : IAsyncDisposable
{
    private LabRouter(string id, Place place, LabProcess process, int port, int heartbeatPort)
    {
        Id = id;
        Place = place;
        Process = process;
        Port = port;
        HeartbeatPort = heartbeatPort;
    }

    public string Id { get; }
    public Place Place { get; }
    public LabProcess Process { get; }
    public int Port { get; }
    public int HeartbeatPort { get; }

    public static async Task<LabRouter> StartAsync(Place place, string id, string natsUrls, string clusterName)
    {
        var process = place.Start($"router {id}", Shell.Find("dotnet") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "hydra.dll"),
            "router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--log-level", "info",
            "--cluster", natsUrls, "--cluster-name", clusterName, "--router-id", id);
        try
        {
            var listening = await process.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line", TimeSpan.FromSeconds(30));
            var ports = ListeningLine().Match(listening);
            return new LabRouter(id, place, process, Number(ports.Groups[1].Value), Number(ports.Groups[2].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGSTOP: the router hangs, holding its connections open and reading nothing.</summary>
    public DateTimeOffset Freeze()
    {
        Process.Signal("STOP");
        return DateTimeOffset.UtcNow;
    }

    /// <summary>The last log lines that say what the router did, without the one-per-message refusal warnings that would drown them.</summary>
    public string NotableLines(int count) => Process.Tail(count, line => !line.Contains("Refused message from", StringComparison.Ordinal)
        && !line.Contains("more refused messages", StringComparison.Ordinal));

    /// <summary>SIGKILL: the router vanishes with whatever it held, and its TCP connections are closed by the kernel.</summary>
    public async Task<DateTimeOffset> KillAsync()
    {
        Process.Signal("KILL");
        var killedAt = DateTimeOffset.UtcNow;
        await Process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        return killedAt;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@":(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningLine();
}
