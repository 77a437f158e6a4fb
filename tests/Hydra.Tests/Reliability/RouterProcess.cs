using System.Globalization;
using System.Text.RegularExpressions;
using Hydra.Mq;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Reliability;

/// <summary>
/// <c>hydra router --headless</c> as a child process on 127.0.0.1, so its memory and CPU can be
/// read from /proc and it can be killed like a real crash. Killed on dispose.
/// </summary>
internal sealed partial class RouterProcess : IAsyncDisposable
{
    private RouterProcess(ChildProcess process, HydraTransport transport, int port, int heartbeatPort)
    {
        Transport = transport;
        Process = process;
        Port = port;
        HeartbeatPort = heartbeatPort;
    }

    public ChildProcess Process { get; }
    public HydraTransport Transport { get; }
    public int Port { get; }
    public int HeartbeatPort { get; }
    public int Pid => Process.Id;

    /// <summary>Starts a router (port 0: a free one) and waits for its listening line.</summary>
    /// <param name="transport">The router's --transport.</param>
    /// <param name="port">The main port (0: a free one).</param>
    /// <param name="heartbeatPort">The heartbeat port (0: a free one).</param>
    /// <param name="extra">More flags, such as --cluster.</param>
    public static Task<RouterProcess> StartAsync(HydraTransport transport, int port = 0, int heartbeatPort = 0, params string[] extra) =>
        StartAsync(transport, new Dictionary<string, string>(), port, heartbeatPort, extra);

    /// <summary>Starts a router with these environment variables set (e.g. the runtime's DOTNET_ settings).</summary>
    /// <param name="transport">The router's --transport.</param>
    /// <param name="environment">Variables for the router process.</param>
    /// <param name="port">The main port (0: a free one).</param>
    /// <param name="heartbeatPort">The heartbeat port (0: a free one).</param>
    /// <param name="extra">More flags, such as --cluster.</param>
    public static async Task<RouterProcess> StartAsync(HydraTransport transport, IReadOnlyDictionary<string, string> environment, int port = 0, int heartbeatPort = 0, params string[] extra)
    {
        // Info level for the listening line; the router rate-limits its refusal warnings, so output stays small.
        var child = ChildProcess.Hydra(environment, ["router", "--headless", "--address", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--heartbeat-port", heartbeatPort.ToString(CultureInfo.InvariantCulture),
            "--log-level", "info", "--transport", transport.ToString().ToLowerInvariant(), .. extra]);
        try
        {
            var listening = await child.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line", TimeSpan.FromSeconds(30));
            var ports = ListeningLine().Match(listening);
            return new RouterProcess(child, transport, int.Parse(ports.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(ports.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    public ProcStats Stats() => ProcStats.Read(Pid);

    public HydraMQOptions PeerOptions(string? identity = null) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = Port,
        RouterHeartbeatPort = HeartbeatPort,
        Identity = identity,
        NetworkTimeout = TimeSpan.FromSeconds(5),
        Transport = Transport,
    };

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@":(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningLine();
}
