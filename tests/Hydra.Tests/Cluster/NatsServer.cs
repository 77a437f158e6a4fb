using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hydra.Testing;

namespace Hydra.Tests.Cluster;

/// <summary>
/// A real nats-server as a child process on free loopback ports (-a 127.0.0.1). Where nats-server
/// is missing the cluster tests are skipped and say why; with HYDRA_REQUIRE_NATS=1 (as CI sets it)
/// they run and fail instead, so CI never passes them silently.
/// </summary>
internal sealed class NatsServer : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];

    private readonly string[] _arguments;
    private ChildProcess? _process;

    private NatsServer(string name, int port, int routePort, string[] extra)
    {
        Name = name;
        Port = port;
        RoutePort = routePort;
        _arguments = ["-a", "127.0.0.1", "-p", Text(port), "-n", name, .. extra];
    }

    public static string? Binary { get; } = Candidates.FirstOrDefault(File.Exists);

    public static bool Required => Environment.GetEnvironmentVariable("HYDRA_REQUIRE_NATS") == "1";

    public string Name { get; }

    public int Port { get; }

    /// <summary>The port other servers of a cluster connect to (0 alone).</summary>
    public int RoutePort { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public bool IsRunning => _process is not null;

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output => _process?.Output ?? "";

    public static async Task<NatsServer> StartAsync(string name = "nats-test", int port = 0)
    {
        var server = new NatsServer(name, port == 0 ? FreePort() : port, 0, []);
        await server.RunAsync();
        return server;
    }

    /// <summary>A server of a cluster: its routes point at <paramref name="routePorts"/> (the other servers').</summary>
    internal static NatsServer ForCluster(string name, int port, int routePort, string cluster, IEnumerable<int> routePorts) =>
        new(name, port, routePort,
            ["--cluster_name", cluster, "--cluster", $"nats://127.0.0.1:{Text(routePort)}",
             "--routes", string.Join(',', routePorts.Select(p => $"nats://127.0.0.1:{Text(p)}"))]);

    /// <summary>Starts (or starts again, on the same ports) and waits until it accepts clients.</summary>
    public async Task RunAsync()
    {
        if (Binary is null)
        {
            throw new InvalidOperationException("nats-server is not installed (apt-get install -y nats-server)");
        }
        var process = ChildProcess.Start(Binary, _arguments);
        try
        {
            // A generous deadline: on a shared machine under load a server may take a while to start.
            await process.WaitForLineAsync(line => line.Contains("Server is ready", StringComparison.Ordinal), "'Server is ready' from nats-server", TimeSpan.FromSeconds(60));
        }
        catch
        {
            await process.DisposeAsync(); // never leave a server behind
            throw;
        }
        _process = process;
    }

    /// <summary>SIGSTOP: the server holds its connections but reads and answers nothing (a server starved or frozen).</summary>
    public void Pause() => _process?.Signal("STOP");

    /// <summary>SIGCONT: the server goes on where it stopped.</summary>
    public void Resume() => _process?.Signal("CONT");

    /// <summary>SIGKILL: gone at once, without a goodbye to anyone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Signal("KILL"); // a paused server dies too
            await process.WaitForExitAsync();
            await process.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Three nats-servers routed to each other as one NATS cluster.</summary>
internal sealed class NatsCluster : IAsyncDisposable
{
    private NatsCluster(IReadOnlyList<NatsServer> servers) => Servers = servers;

    public IReadOnlyList<NatsServer> Servers { get; }

    /// <summary>All the servers' URLs: NATS.Net reconnects to any of them.</summary>
    public string Urls => string.Join(',', Servers.Select(s => s.Url));

    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        var ports = Enumerable.Range(0, size).Select(_ => (Client: NatsServer.FreePort(), Route: NatsServer.FreePort())).ToList();
        var name = $"c{Guid.NewGuid():N}"[..9];
        var servers = ports.Select((p, i) => NatsServer.ForCluster($"{name}-n{i}", p.Client, p.Route, name,
            ports.Where((_, j) => j != i).Select(o => o.Route))).ToList();
        var cluster = new NatsCluster(servers);
        try
        {
            await Task.WhenAll(servers.Select(s => s.RunAsync()));
        }
        catch
        {
            await cluster.DisposeAsync(); // never leave a server behind
            throw;
        }
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>A fact that needs nats-server.</summary>
public sealed class NatsFactAttribute : FactAttribute
{
    public NatsFactAttribute()
    {
        if (!NatsServer.Required && NatsServer.Binary is null)
        {
            Skip = "nats-server is not installed (apt-get install -y nats-server); cluster test not run";
        }
    }
}

/// <summary>A theory that needs nats-server.</summary>
public sealed class NatsTheoryAttribute : TheoryAttribute
{
    public NatsTheoryAttribute()
    {
        if (!NatsServer.Required && NatsServer.Binary is null)
        {
            Skip = "nats-server is not installed (apt-get install -y nats-server); cluster test not run";
        }
    }
}
