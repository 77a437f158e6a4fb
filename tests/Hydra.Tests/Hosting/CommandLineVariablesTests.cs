using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hydra.Hosting;
using Hydra.Security;
using Hydra.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hydra.Tests.Hosting;

/// <summary>
/// The hosted router and peer read the <c>hydra</c> command's variables (<c>HYDRA_PORT</c>, docs/operations.md) as well as
/// .NET's <c>Hydra__Router__Port</c>: the command line and the section's own variables win over them, they win over
/// appsettings.json, and a value that does not fit fails the start with the command's own line.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes
public sealed class CommandLineVariablesTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-host-variables-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_commands_variables_set_the_hosted_router_and_the_peer_connects_with_them()
    {
        var (port, heartbeatPort) = (FreePort(), FreePort());
        var builder = NewBuilder(new()
        {
            ["HYDRA_ADDRESS"] = "127.0.0.1", ["HYDRA_PORT"] = Text(port), ["HYDRA_HEARTBEAT_PORT"] = Text(heartbeatPort),
            ["HYDRA_TRANSPORT"] = "NetMQ", ["HYDRA_ROUTER"] = "127.0.0.1", ["HYDRA_ID"] = "from-variables",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hydra:Peer:HeartbeatInterval"] = "00:00:00.200", ["Hydra:Peer:NetworkTimeout"] = "00:00:10",
        });
        builder.Services.AddHydraRouter().AddHydraPeer();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);
        await host.StartAsync(deadline.Token);

        var router = host.Services.GetRequiredService<RouterEngine>();
        var peer = host.Services.GetRequiredService<HydraMQ>();
        Assert.Equal((port, heartbeatPort, "NetMQ"), (router.Port, router.HeartbeatPort, router.TransportName));
        var pong = await peer.RequestAsync(peer.CreateMessage(HydraIdentities.Router, HydraMethods.Ping), deadline.Token);
        Assert.Equal("from-variables", pong.Target);
        await host.StopAsync(deadline.Token);
    }

    public static TheoryData<string, int> Precedence => new()
    {
        { "appsettings.json", 6001 },
        { "HYDRA_PORT", 6002 },
        { "Hydra__Router__Port", 6003 },
        { "command line", 6004 },
        { "code", 6005 },
    };

    /// <summary>Each source given the port along with every source below it: the port is its own.</summary>
    [Theory]
    [MemberData(nameof(Precedence))]
    public void Code_beats_the_command_line_beats_Hydra__variables_beat_HYDRA_variables_beat_appsettings(string highest, int expected)
    {
        var sources = Precedence.Select(row => ((string)row[0], (int)row[1])).TakeWhile(s => s.Item2 <= expected).ToDictionary(s => s.Item1, s => s.Item2);
        var json = Path.Combine(_dir, "appsettings.json");
        File.WriteAllText(json, $$"""{ "Hydra": { "Router": { "Port": {{sources["appsettings.json"]}}, "HeartbeatPort": 7000 } } }""");
        var prefix = $"HYDRATEST_{Guid.NewGuid():N}_"; // the section's variables under a prefix of this test's own, so no other test sees them
        if (sources.TryGetValue("Hydra__Router__Port", out var sectionPort))
        {
            Environment.SetEnvironmentVariable($"{prefix}Hydra__Router__Port", Text(sectionPort));
        }
        try
        {
            var variables = sources.TryGetValue("HYDRA_PORT", out var variablePort) ? new Dictionary<string, string> { ["HYDRA_PORT"] = Text(variablePort) } : [];
            var builder = NewBuilder(variables);
            builder.Configuration.AddJsonFile(json).AddEnvironmentVariables(prefix);
            if (sources.TryGetValue("command line", out var flagPort))
            {
                builder.Configuration.AddCommandLine([$"--Hydra:Router:Port={flagPort}"]);
            }
            builder.Services.AddHydraRouter(o => sources.TryGetValue("code", out var codePort) ? o with { Port = codePort } : o);
            using var host = builder.Build();

            Assert.Equal(expected, host.Services.GetRequiredService<RouterEngine>().Options.Port);
            Assert.Equal(highest, sources.MaxBy(s => s.Value).Key);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}Hydra__Router__Port", null);
        }
    }

    [Fact]
    public void The_section_s_own_variable_wins_where_the_commands_variable_would_set_router_and_peer_alike()
    {
        // HYDRA_CURVE_KEY is the router's key in `hydra router` and a peer's own in `hydra pong`; in one host the peer's
        // own key comes from its section instead, and the router still takes the variable's.
        var router = KeyFile.WritePair(CurveKeyPair.Generate(), Path.Combine(_dir, "router"));
        var peerKeys = CurveKeyPair.Generate();
        var builder = NewBuilder(new() { ["HYDRA_CURVE_KEY"] = router.SecretFile, ["HYDRA_SERVER_KEY"] = router.PublicFile });
        builder.Configuration.AddCommandLine([$"--Hydra:Peer:CurveSecretKey={peerKeys.SecretKey}"]);
        builder.Services.AddHydraRouter().AddHydraPeer();
        using var host = builder.Build();

        var routerKey = KeyFile.Read(router.SecretFile).Key;
        Assert.Equal(routerKey, host.Services.GetRequiredService<RouterEngine>().Options.CurveSecretKey);
        var peer = host.Services.GetRequiredService<HydraMQ>().Options;
        Assert.Equal(peerKeys.SecretKey, peer.CurveSecretKey);
        Assert.Equal(KeyFile.Read(router.PublicFile).Key, peer.CurveServerKey);
    }

    public static TheoryData<string, string, string, string?> BadVariables => new()
    {
        { "router", "HYDRA_PORT", "fifty", null },
        { "router", "HYDRA_HEARTBEAT_PORT", "-1", null },
        { "router", "HYDRA_TRANSPORT", "zmq", null },
        { "router", "HYDRA_CURVE_KEY", "/nonexistent/router.key", null },
        { "router", "HYDRA_AUTHORIZED_KEYS", "/nonexistent/clients.txt", "HYDRA_CURVE_KEY" },
        { "router", "HYDRA_CLUSTER", "http://nats:4222", null },
        { "router", "HYDRA_CLUSTER_NAME", "hydra", null },
        { "pong", "HYDRA_PORT", "0", null },
        { "pong", "HYDRA_ID", "HydraRouter", null },
        { "pong", "HYDRA_SERVER_KEY", "/nonexistent/router.pub", null },
        { "pong", "HYDRA_CURVE_KEY", "router.pub", "HYDRA_SERVER_KEY" }, // a public key where a secret one belongs
    };

    /// <summary>
    /// The host refuses each bad value with the very line the command prints (without its "ERROR: "). The command checks
    /// how flags go together first (--authorized-keys needs --curve-key), so such a value comes with the variable it needs.
    /// </summary>
    [Theory]
    [MemberData(nameof(BadVariables))]
    public async Task A_bad_variable_fails_the_hosts_start_with_the_commands_own_line(string command, string variable, string value, string? needs)
    {
        var keys = KeyFile.WritePair(CurveKeyPair.Generate(), Path.Combine(_dir, "router"));
        var variables = new Dictionary<string, string> { [variable] = value == "router.pub" ? keys.PublicFile : value };
        if (needs is not null)
        {
            variables[needs] = needs == "HYDRA_CURVE_KEY" ? keys.SecretFile : keys.PublicFile;
        }
        await using var hydra = ChildProcess.Hydra(variables, command == "router" ? ["router", "--headless"] : ["pong"]);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        var line = hydra.Output.Split('\n')[0];
        Assert.StartsWith("ERROR: ", line, StringComparison.Ordinal);

        var builder = NewBuilder(variables);
        _ = command == "router" ? builder.Services.AddHydraRouter() : builder.Services.AddHydraPeer();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(Deadline);
        var failed = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(deadline.Token));

        Assert.Equal(line["ERROR: ".Length..], failed.Message);
        Assert.Contains(variable, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_key_file_others_can_read_is_warned_about_as_the_command_does()
    {
        var keys = KeyFile.WritePair(CurveKeyPair.Generate(), Path.Combine(_dir, "router"));
        File.SetUnixFileMode(keys.SecretFile, (UnixFileMode)0b110_100_100); // 644
        var variables = new Dictionary<string, string> { ["HYDRA_CURVE_KEY"] = keys.SecretFile };
        await using var hydra = ChildProcess.Hydra(variables, "router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0");
        var warning = await hydra.WaitForLineAsync(l => l.StartsWith("WARNING: ", StringComparison.Ordinal), "the command's warning");

        var logs = new CapturedLog(Microsoft.Extensions.Logging.LogLevel.Warning);
        var builder = NewBuilder(variables);
        builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(logs);
        builder.Services.AddHydraRouter();
        using var host = builder.Build();
        _ = host.Services.GetRequiredService<RouterEngine>(); // reads the options, as the host's start does

        Assert.Equal([warning["WARNING: ".Length..]], logs.Lines);
        Assert.Contains("(mode 644); make it private: chmod 600", warning, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder NewBuilder(Dictionary<string, string> variables)
    {
        // No defaults: each test says what configuration it has; the variables are this test's, not the process's.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Services.AddSingleton(new CommandLineVariables(name => variables.GetValueOrDefault(name)));
        return builder;
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>Without being told otherwise, the hosted router reads the variables from the process's environment.</summary>
[Collection(Hydra.Tests.Infrastructure.AloneCollection.Name)] // HYDRA_PORT is set process-wide for a moment: no child process may start meanwhile
public sealed class CommandLineVariablesFromTheEnvironmentTests
{
    [Fact]
    public void HYDRA_PORT_in_the_environment_sets_the_hosted_router_s_port()
    {
        Environment.SetEnvironmentVariable("HYDRA_PORT", "6010");
        Environment.SetEnvironmentVariable("HYDRA_HEARTBEAT_PORT", "6011");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            builder.Services.AddHydraRouter();
            using var host = builder.Build();

            var options = host.Services.GetRequiredService<RouterEngine>().Options;
            Assert.Equal((6010, 6011), (options.Port, options.HeartbeatPort));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HYDRA_PORT", null);
            Environment.SetEnvironmentVariable("HYDRA_HEARTBEAT_PORT", null);
        }
    }
}
