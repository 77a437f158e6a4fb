using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hydra.Hosting;
using Hydra.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hydra.Tests.Hosting;

/// <summary>The router and a peer in the generic host, on real sockets: configuration, start, health, stop.</summary>
public sealed class HostingTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Peer_gets_pong_from_router_both_started_by_the_host_from_json_and_environment()
    {
        var (port, heartbeatPort) = (FreePort(), FreePort());
        // The router's section from a JSON file, its heartbeat port from a HYDRA__ROUTER__… variable (configuration keys ignore
        // case; under a prefix of this test's own, so no other test sees it), the peer's section from memory.
        var json = Path.Combine(Path.GetTempPath(), $"hydra-hosting-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(json, $$"""{ "Hydra": { "Router": { "Address": "127.0.0.1", "Port": {{port}}, "HeartbeatPort": 1, "Transport": "NetMQ" } } }""");
        var prefix = $"HYDRATEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}HYDRA__ROUTER__HEARTBEATPORT", heartbeatPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var logs = new LineCollector();
            var builder = NewBuilder(logs);
            builder.Configuration.AddJsonFile(json).AddEnvironmentVariables(prefix);
            builder.Configuration.AddInMemoryCollection(PeerConfig(port, heartbeatPort));
            builder.Services.AddHydraRouter().AddHydraPeer(o => o with { Identity = "hosted-peer" });
            using var host = builder.Build();
            using var deadline = new CancellationTokenSource(Deadline);
            await host.StartAsync(deadline.Token);

            var router = host.Services.GetRequiredService<RouterEngine>();
            var peer = host.Services.GetRequiredService<HydraMQ>();
            Assert.True(router.IsRunning);
            Assert.Equal((port, heartbeatPort), (router.Port, router.HeartbeatPort));
            Assert.Equal("NetMQ", router.TransportName);
            Assert.True(peer.IsStarted);

            var pong = await peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, HydraMethods.Ping), deadline.Token);
            Assert.Equal("pong", pong.Method);
            Assert.Equal("hosted-peer", pong.Target);

            // The library's lines reached the host's logging, under its own categories.
            Assert.Contains(logs.Lines, l => l.StartsWith("Hydra.Router: Router listening on tcp://127.0.0.1:" + port, StringComparison.Ordinal));
            await host.StopAsync(deadline.Token);
            Assert.False(router.IsRunning);
            Assert.False(peer.IsStarted);
            Assert.Contains(logs.Lines, l => l == "Hydra.Router: Router stopped");
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}HYDRA__ROUTER__HEARTBEATPORT", null);
            File.Delete(json);
        }
    }

    [Fact]
    public async Task A_hosted_server_answers_with_a_handler_that_uses_the_host_s_services()
    {
        var (port, heartbeatPort) = (FreePort(), FreePort());
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(RouterConfig(port, heartbeatPort));
        builder.Configuration.AddInMemoryCollection(PeerConfig(port, heartbeatPort));
        builder.Services.AddSingleton(new Offset(100));
        builder.Services.AddHydraRouter().AddHydraPeer((services, o) => o with
        {
            Identity = "adder",
            Methods = new Dictionary<string, HydraMethodHandler>
            {
                ["add"] = HydraHandlers.Sync(m => m.CreateReply("sum", new() { ["sum"] = (int)m.Payload["a"]! + services.GetRequiredService<Offset>().Value })),
            },
        });
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);
        await host.StartAsync(deadline.Token);

        await using var client = new HydraMQ(new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = port, RouterHeartbeatPort = heartbeatPort, Transport = HydraTransport.NetMQ, NetworkTimeout = Deadline });
        await client.StartAsync();
        await client.WaitUntilConnectedAsync(deadline.Token);
        await host.Services.GetRequiredService<HydraMQ>().WaitUntilConnectedAsync(deadline.Token);
        var reply = await client.RequestAsync(client.CreateMessage("adder", "add", new() { ["a"] = 2 }), deadline.Token);

        Assert.Equal(102, (int)reply.Payload["sum"]!);
        await host.StopAsync(deadline.Token);
    }

    private sealed record Offset(int Value);

    [Fact]
    public async Task Health_checks_are_healthy_while_up_and_unhealthy_once_the_router_is_gone()
    {
        var (port, heartbeatPort) = (FreePort(), FreePort());
        var routerBuilder = NewBuilder();
        routerBuilder.Configuration.AddInMemoryCollection(RouterConfig(port, heartbeatPort));
        routerBuilder.Services.AddHydraRouter();
        routerBuilder.Services.AddHealthChecks().AddHydraRouterChecks();
        using var routerHost = routerBuilder.Build();

        var peerBuilder = NewBuilder();
        peerBuilder.Configuration.AddInMemoryCollection(PeerConfig(port, heartbeatPort));
        peerBuilder.Services.AddHydraPeer();
        peerBuilder.Services.AddHealthChecks().AddHydraPeerCheck();
        using var peerHost = peerBuilder.Build();

        using var deadline = new CancellationTokenSource(Deadline);
        var routerHealth = routerHost.Services.GetRequiredService<HealthCheckService>();
        var peerHealth = peerHost.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Unhealthy, (await routerHealth.CheckHealthAsync(deadline.Token)).Entries[HydraHealthChecksBuilderExtensions.RouterCheck].Status);

        await routerHost.StartAsync(deadline.Token);
        await peerHost.StartAsync(deadline.Token);
        var up = await routerHealth.CheckHealthAsync(deadline.Token);
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.StartsWith($"listening on tcp://127.0.0.1:{port} (heartbeats on {heartbeatPort})", up.Entries[HydraHealthChecksBuilderExtensions.RouterCheck].Description, StringComparison.Ordinal);
        Assert.Equal("not in a cluster", up.Entries[HydraHealthChecksBuilderExtensions.ClusterCheck].Description);
        var connected = await Eventually.ValueAsync(() => peerHealth.CheckHealthAsync(deadline.Token), r => r.Status == HealthStatus.Healthy, "the peer's check to pass");
        Assert.Contains($"connected to the router at 127.0.0.1:{port}", connected.Entries[HydraHealthChecksBuilderExtensions.PeerCheck].Description, StringComparison.Ordinal);

        await routerHost.StopAsync(deadline.Token);
        Assert.Equal("the router is not running", (await routerHealth.CheckHealthAsync(deadline.Token)).Entries[HydraHealthChecksBuilderExtensions.RouterCheck].Description);
        // Heartbeats every 200 ms: the peer counts as disconnected once its last reply is 2 intervals old.
        var gone = await Eventually.ValueAsync(() => peerHealth.CheckHealthAsync(deadline.Token), r => r.Status == HealthStatus.Unhealthy, "the peer's check to fail");
        Assert.Contains("gets no heartbeat reply", gone.Entries[HydraHealthChecksBuilderExtensions.PeerCheck].Description, StringComparison.Ordinal);
        await peerHost.StopAsync(deadline.Token);
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "Hydra:Router:Port", "70000", "Hydra:Router: Port must be 0–65535 (0 picks a free port), not 70000" },
        { "Hydra:Router:HeartbeatPort", "6000", "Hydra:Router: Port and HeartbeatPort are both 6000: the two ports must differ" },
        { "Hydra:Router:Cluster:Urls", "localhost:4222", "Hydra:Router: Cluster.Urls: 'localhost:4222' must start with nats://, tls://, ws:// or wss://" },
        { "Hydra:Peer:RouterPort", "0", "Hydra:Peer: RouterPort must be 1–65535 (the router's port), not 0" },
        { "Hydra:Router:Port", "fifty", "Failed to convert configuration value 'fifty' at 'Hydra:Router:Port' to type 'System.Int32'." },
        { "Hydra:Peer:Identity", "HydraRouter", "Hydra:Peer: 'HydraRouter' is the router's own name; a peer cannot take it" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Bad_configuration_fails_the_start_in_one_line(string key, string value, string message)
    {
        var logs = new LineCollector();
        var builder = NewBuilder(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hydra:Router:Address"] = "127.0.0.1",
            ["Hydra:Router:Port"] = "6000",
            ["Hydra:Router:HeartbeatPort"] = "6001",
            [key] = value,
        });
        builder.Services.AddHydraRouter().AddHydraPeer();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);

        var failed = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(deadline.Token));

        Assert.Equal(message, failed.Message);
        Assert.DoesNotContain('\n', failed.Message);
        // Nothing was started: the check runs before any hosted service, and before any router or peer is made.
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Hydra.Router:", StringComparison.Ordinal));
        Assert.Contains("at Microsoft.Extensions.Options.StartupValidator.Validate", failed.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start_with_the_router_s_own_words()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(RouterConfig(port, FreePort()));
        builder.Services.AddHydraRouter();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);

        var failed = await Assert.ThrowsAsync<HydraException>(() => host.StartAsync(deadline.Token));

        Assert.Equal(HydraErrorCode.Network, failed.Code);
        Assert.Contains($"port {port} is already in use", failed.Message, StringComparison.Ordinal);
        Assert.False(host.Services.GetRequiredService<RouterEngine>().IsRunning);
    }

    [Fact]
    public async Task Stopping_with_a_cancelled_token_returns_at_once_and_disposing_frees_the_ports()
    {
        var (port, heartbeatPort) = (FreePort(), FreePort());
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(RouterConfig(port, heartbeatPort));
        builder.Configuration.AddInMemoryCollection(PeerConfig(port, heartbeatPort));
        builder.Services.AddHydraRouter().AddHydraPeer();
        var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);
        await host.StartAsync(deadline.Token);
        var router = host.Services.GetRequiredService<RouterEngine>();
        var peer = host.Services.GetRequiredService<HydraMQ>();
        await peer.WaitUntilConnectedAsync(deadline.Token);

        await host.StopAsync(new CancellationToken(canceled: true)).WaitAsync(deadline.Token);
        await ((IAsyncDisposable)host).DisposeAsync().AsTask().WaitAsync(deadline.Token); // Host is IAsyncDisposable, IHost only IDisposable

        Assert.False(router.IsRunning);
        Assert.False(peer.IsStarted);
        // The ports are free again: a new router binds both.
        await using var again = TestRouter.StartOn(HydraTransport.NetMQ, port, heartbeatPort);
        Assert.Equal((port, heartbeatPort), (again.Port, again.HeartbeatPort));
    }

    [Fact]
    public async Task Options_from_code_apply_after_configuration_and_the_host_logger_is_kept_unless_one_is_given()
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hydra:Router:Port"] = "6000",
            ["Hydra:Router:HeartbeatPort"] = "6001",
            ["Hydra:Router:HeartbeatInterval"] = "00:00:02",
            ["Hydra:Router:AuthorizedKeys:0"] = "ignored-here",
        });
        var own = new CapturedLog(LogLevel.Information);
        builder.Services.AddHydraRouter(o => o with { Port = 6100, AuthorizedKeys = null }).AddHydraPeer(o => o with { LoggerFactory = own });
        using var host = builder.Build();

        var router = host.Services.GetRequiredService<RouterEngine>().Options;
        Assert.Equal((6100, 6001, TimeSpan.FromSeconds(2)), (router.Port, router.HeartbeatPort, router.HeartbeatInterval));
        Assert.Same(host.Services.GetRequiredService<ILoggerFactory>(), router.LoggerFactory);
        Assert.Same(own, host.Services.GetRequiredService<HydraMQ>().Options.LoggerFactory);
        Assert.Equal(5757, RouterOptions.Default.Port); // binding never touched the shared defaults
    }

    private static HostApplicationBuilder NewBuilder(LineCollector? logs = null)
    {
        // The defaults (appsettings.json of the test's folder, every environment variable, the console) are left out:
        // each test says what configuration it has.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        return builder;
    }

    private static Dictionary<string, string?> RouterConfig(int port, int heartbeatPort) => new()
    {
        ["Hydra:Router:Address"] = "127.0.0.1",
        ["Hydra:Router:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hydra:Router:HeartbeatPort"] = heartbeatPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hydra:Router:Transport"] = "NetMQ",
    };

    private static Dictionary<string, string?> PeerConfig(int port, int heartbeatPort) => new()
    {
        ["Hydra:Peer:RouterAddress"] = "127.0.0.1",
        ["Hydra:Peer:RouterPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hydra:Peer:RouterHeartbeatPort"] = heartbeatPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hydra:Peer:HeartbeatInterval"] = "00:00:00.200",
        ["Hydra:Peer:NetworkTimeout"] = "00:00:10",
        ["Hydra:Peer:Transport"] = "NetMQ",
    };

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The host's log lines as "category: message".</summary>
    private sealed class LineCollector : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Category(this, categoryName);

        public void Dispose() { }

        private sealed class Category(LineCollector owner, string name) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue($"{name}: {formatter(state, exception)}");
        }
    }
}
