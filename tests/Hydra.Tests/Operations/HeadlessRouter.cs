using System.Globalization;
using System.Text.RegularExpressions;
using Hydra.Testing;

namespace Hydra.Tests.Operations;

/// <summary><c>hydra router --headless</c> as a child process, with the ports it says it bound.</summary>
internal sealed partial class HeadlessRouter : IAsyncDisposable
{
    private HeadlessRouter(ChildProcess process, int port, int heartbeatPort)
    {
        Process = process;
        Port = port;
        HeartbeatPort = heartbeatPort;
    }

    public ChildProcess Process { get; }
    public int Port { get; }
    public int HeartbeatPort { get; }

    public string[] PeerFlags => ["--router", "127.0.0.1", "--port", Text(Port), "--heartbeat-port", Text(HeartbeatPort)];

    /// <summary>Starts it and waits for the listening line (text or JSON).</summary>
    public static async Task<HeadlessRouter> StartAsync(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = ChildProcess.Hydra(environment ?? new Dictionary<string, string>(), ["router", "--headless", .. arguments]);
        try
        {
            var listening = await process.WaitForLineAsync(l => l.Contains("Router listening on", StringComparison.Ordinal), "the listening line");
            var ports = ListeningPorts().Match(listening);
            return new HeadlessRouter(process, Number(ports.Groups[1].Value), Number(ports.Groups[2].Value));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the line that says where /metrics is served, and returns its port.</summary>
    public static async Task<int> MetricsPortAsync(ChildProcess process)
    {
        var line = await process.WaitForLineAsync(l => l.Contains("Metrics for Prometheus at", StringComparison.Ordinal), "the metrics line");
        return Number(MetricsUrl().Match(line).Groups[1].Value);
    }

    public static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"tcp://[^:]+:(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningPorts();

    [GeneratedRegex(@"http://[^/]+:(\d+)/metrics")]
    private static partial Regex MetricsUrl();
}
