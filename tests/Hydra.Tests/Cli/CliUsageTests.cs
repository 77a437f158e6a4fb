using Hydra.Testing;

namespace Hydra.Tests.Cli;

/// <summary>What a user sees after a mistake on the command line, and the help text.</summary>
public class CliUsageTests
{
    [Theory]
    [InlineData("--port must be a port number from 1 to 65535, got 'abc'", "ping", "--port", "abc")]
    [InlineData("--port must be a port number from 0 to 65535 (0: any free port), got '70000'", "router", "--headless", "--port", "70000")]
    [InlineData("--heartbeat-port must be a port number from 1 to 65535, got '-1'", "pong", "--heartbeat-port", "-1")]
    [InlineData("--port and --heartbeat-port are both 6000; they must differ", "router", "--headless", "--port", "6000", "--heartbeat-port", "6000")]
    [InlineData("--port and --heartbeat-port are both 5758; they must differ", "ping", "--port", "5758")]
    [InlineData("--count must be a whole number, 1 or more, got '0'", "ping", "--count", "0")]
    [InlineData("--count must be a whole number, 1 or more, got '-2'", "ping", "-c", "-2")]
    [InlineData("--count must be a whole number, 1 or more, got '0'", "demo", "--count", "0")]
    [InlineData("--timeout must be a number of seconds, more than 0, got '0'", "ping", "--timeout", "0")]
    [InlineData("--interval must be a number of seconds, 0 or more, got '-1'", "ping", "--interval", "-1")]
    [InlineData("--id must not be empty", "ping", "--id", "")]
    [InlineData("--id HydraRouter is the router's own name; choose another", "ping", "--id", "HydraRouter")]
    [InlineData("--id HydraRouter is the router's own name; choose another", "pong", "--id", "HydraRouter")]
    [InlineData("--id must not be empty", "client", "--id", "")]
    [InlineData("--id HydraRouter is the router's own name; choose another", "client", "--id", "HydraRouter")]
    [InlineData("--authorized-keys needs --curve-key: keys are proven over the encrypted channel", "router", "--headless", "--authorized-keys", "clients.txt")]
    [InlineData("--curve-key needs --server-key: the key is proven over the encrypted channel", "ping", "--curve-key", "alice.key")]
    [InlineData("--log-level must be one of debug, info, warning, error, critical (any case), got 'verbose'", "router", "--headless", "--log-level", "verbose")]
    public async Task A_bad_argument_is_one_error_line_and_a_pointer_to_help(string error, params string[] arguments)
    {
        await using var hydra = ChildProcess.Hydra(arguments);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.Equal([$"ERROR: {error}", $"see 'hydra {arguments[0]} --help'"], hydra.Output.Split('\n'));
    }

    [Theory]
    [InlineData("ruoter", "unknown command 'ruoter'; did you mean 'router'?")]
    [InlineData("pnig", "unknown command 'pnig'; did you mean 'ping'?")]
    [InlineData("keygne", "unknown command 'keygne'; did you mean 'keygen'?")]
    [InlineData("launch", "unknown command 'launch'")]
    [InlineData("--headless", "unknown option '--headless' (options follow a command)")]
    public async Task A_mistyped_command_is_named_with_the_nearest_command(string word, string error)
    {
        await using var hydra = ChildProcess.Hydra(word);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.Equal([$"ERROR: {error}", "see 'hydra --help'"], hydra.Output.Split('\n'));
    }

    [Fact]
    public async Task A_bare_hydra_lists_the_commands()
    {
        await using var hydra = ChildProcess.Hydra();
        Assert.Equal(1, await hydra.WaitForExitAsync());
        var lines = hydra.Output.Split('\n');
        Assert.Equal("usage: hydra <command> [options]", lines[0]);
        foreach (var command in new[] { "router", "client", "pong", "ping", "clients", "demo", "keygen" })
        {
            Assert.Single(lines, l => l.StartsWith($"  {command} ", StringComparison.Ordinal));
        }
        Assert.DoesNotContain("Required command", hydra.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_level_is_accepted_in_any_case()
    {
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--log-level", "Info");
        await router.WaitForLineAsync(l => l.Contains("[INFO] [HydraRouter] Router listening", StringComparison.Ordinal), "the listening line");
    }

    [Theory]
    [InlineData]
    [InlineData("router")]
    [InlineData("client")]
    [InlineData("pong")]
    [InlineData("ping")]
    [InlineData("clients")]
    [InlineData("demo")]
    [InlineData("keygen")]
    public async Task Help_fits_80_columns(params string[] command)
    {
        await using var help = ChildProcess.Hydra([.. command, "--help"]);
        Assert.Equal(0, await help.WaitForExitAsync());
        Assert.All(help.Output.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"{line.TrimEnd().Length} columns: {line}"));
    }

    [Theory]
    [InlineData("router")]
    [InlineData("pong")]
    public async Task Help_names_each_log_level_once(string command)
    {
        await using var help = ChildProcess.Hydra(command, "--help");
        Assert.Equal(0, await help.WaitForExitAsync());
        var logLevelLine = Assert.Single(help.Output.Split('\n'), l => l.Contains("--log-level", StringComparison.Ordinal));
        Assert.All(new[] { "debug", "info", "warning", "error", "critical" },
            level => Assert.Single(System.Text.RegularExpressions.Regex.Matches(help.Output, $@"\b{level}\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)));
        Assert.Contains("info (default)", logLevelLine);
    }
}
