using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hydra.Testing;
using static Hydra.Tests.Operations.HeadlessRouter;

namespace Hydra.Tests.Operations;

/// <summary>HYDRA_* variables configure the services, flags win over them, and help names them.</summary>
public sealed partial class EnvironmentConfigurationTests
{
    [Fact]
    public async Task A_variable_sets_the_port()
    {
        var port = FreePort();
        await using var router = await StartAsync([], new Dictionary<string, string>
        {
            ["HYDRA_ADDRESS"] = "127.0.0.1", ["HYDRA_PORT"] = Text(port), ["HYDRA_HEARTBEAT_PORT"] = "0",
        });
        Assert.Equal(port, router.Port);
    }

    [Fact]
    public async Task A_flag_wins_over_its_variable()
    {
        var fromVariable = FreePort();
        var fromFlag = FreePort();
        await using var router = await StartAsync(["--port", Text(fromFlag)], new Dictionary<string, string>
        {
            ["HYDRA_ADDRESS"] = "127.0.0.1", ["HYDRA_PORT"] = Text(fromVariable), ["HYDRA_HEARTBEAT_PORT"] = "0",
        });
        Assert.Equal(fromFlag, router.Port);
    }

    [Fact]
    public async Task Switches_and_formats_come_from_the_environment_too()
    {
        // No --headless on the command line: HYDRA_HEADLESS=1 is what keeps the terminal app away.
        await using var router = ChildProcess.Hydra(new Dictionary<string, string>
        {
            ["HYDRA_HEADLESS"] = "1", ["HYDRA_ADDRESS"] = "127.0.0.1", ["HYDRA_PORT"] = "0", ["HYDRA_HEARTBEAT_PORT"] = "0", ["HYDRA_LOG_FORMAT"] = "json",
        }, "router");
        var line = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        Assert.StartsWith("{\"timestamp\":", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_value_in_a_variable_is_one_error_line_naming_the_variable()
    {
        await using var router = ChildProcess.Hydra(new Dictionary<string, string> { ["HYDRA_PORT"] = "fifty" }, "router", "--headless");
        Assert.Equal(1, await router.WaitForExitAsync());
        Assert.Equal(
            "ERROR: --port must be a port number from 0 to 65535 (0: any free port), got 'fifty' (--port from HYDRA_PORT)\nsee 'hydra router --help'",
            router.Output);
    }

    [Fact]
    public async Task A_bad_switch_value_names_its_variable()
    {
        await using var router = ChildProcess.Hydra(new Dictionary<string, string> { ["HYDRA_HEADLESS"] = "maybe" }, "router");
        Assert.Equal(1, await router.WaitForExitAsync());
        Assert.Equal(
            "ERROR: HYDRA_HEADLESS (--headless) must be 1, yes, on or true, or 0, no, off or false; got 'maybe'\nsee 'hydra router --help'",
            router.Output);
    }

    /// <summary>Every variable of router and pong whose flag can refuse a value: the error names the variable.</summary>
    [Theory]
    [InlineData("router", "HYDRA_HEADLESS", "maybe")]
    [InlineData("router", "HYDRA_START", "2")]
    [InlineData("router", "HYDRA_PORT", "fifty")]
    [InlineData("router", "HYDRA_HEARTBEAT_PORT", "-1")]
    [InlineData("router", "HYDRA_LOG_LEVEL", "loud")]
    [InlineData("router", "HYDRA_CURVE_KEY", "/nonexistent/router.key")]
    [InlineData("router", "HYDRA_AUTHORIZED_KEYS", "/nonexistent/clients.txt")]
    [InlineData("router", "HYDRA_TRANSPORT", "zmq")]
    [InlineData("router", "HYDRA_LOG_FORMAT", "xml")]
    [InlineData("router", "HYDRA_METRICS_PORT", "x")]
    [InlineData("router", "HYDRA_METRICS_ADDRESS", "nowhere")]
    [InlineData("router", "HYDRA_OTLP_ENDPOINT", "ftp://collector")]
    [InlineData("router", "HYDRA_OTLP_PROTOCOL", "carrier-pigeon")]
    [InlineData("router", "HYDRA_CLUSTER", "http://nats:4222")]
    [InlineData("router", "HYDRA_NATS_CREDS", "/nonexistent/user.creds")]
    [InlineData("pong", "HYDRA_ID", "HydraRouter")]
    [InlineData("pong", "HYDRA_SERVER_KEY", "/nonexistent/router.pub")]
    [InlineData("pong", "HYDRA_PORT", "0")]
    public async Task Every_bad_variable_is_named_in_its_error(string command, string variable, string value)
    {
        await using var hydra = ChildProcess.Hydra(new Dictionary<string, string> { [variable] = value }, command);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.StartsWith("ERROR: ", hydra.Output, StringComparison.Ordinal);
        Assert.Contains(variable, hydra.Output.Split('\n')[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("router")]
    [InlineData("pong")]
    public async Task Help_shows_the_variable_next_to_every_flag(string command)
    {
        await using var help = ChildProcess.Hydra(command, "--help");
        Assert.Equal(0, await help.WaitForExitAsync());
        var flags = Flag().Matches(help.Output).Select(m => m.Groups[1].Value).Where(f => f != "help").ToList();
        Assert.Contains("metrics-port", flags);
        // Every flag's entry, up to the next flag, names its variable.
        var entries = Regex.Split(help.Output, @"\n(?=\s+(?:-\S+, )*--)");
        foreach (var flag in flags)
        {
            var entry = Assert.Single(entries, e => Regex.IsMatch(e, $@"^\s+(?:-\S+, )*--{flag}(?![\w-])")); // --cluster, not --cluster-name
            Assert.Contains($"[$HYDRA_{flag.Replace('-', '_').ToUpperInvariant()}]", Regex.Replace(entry, @"\s+", " "), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_probe_reads_no_variable_so_a_routers_settings_never_change_it()
    {
        await using var router = TestRouter.Start();
        // In a router's container: its key and port must not become the probe's own.
        await using var probe = ChildProcess.Hydra(new Dictionary<string, string> { ["HYDRA_CURVE_KEY"] = "/nonexistent/router.key", ["HYDRA_PORT"] = "1" },
            "ping", "--router", "127.0.0.1", "--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort), "--count", "1", "--timeout", "1");
        Assert.Equal(0, await probe.WaitForExitAsync());
        await using var help = ChildProcess.Hydra("ping", "--help");
        await help.WaitForExitAsync();
        Assert.DoesNotContain("$HYDRA_", help.Output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^\s+(?:-\S+, )*--([a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex Flag();
}
