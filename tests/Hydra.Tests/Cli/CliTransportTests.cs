using System.Text.RegularExpressions;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Cli;

/// <summary>
/// Which engine the CLI runs on: libzmq by default when it is installed, NetMQ without it, and
/// a clear one-line refusal when libzmq is asked for and missing. "Missing" is played by
/// pointing HYDRA_LIBZMQ at a file that does not exist.
/// </summary>
public sealed class CliTransportTests
{
    [Theory, OnLibZmq]
    public async Task By_default_the_router_runs_on_libzmq_when_it_is_installed_and_says_so(HydraTransport transport)
    {
        Assert.Equal(HydraTransport.LibZmq, transport);
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0");
        var line = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        Assert.Matches(@"on libzmq 4\.\d+\.\d+ \(auto: \S+ found\)$", line);
    }

    [Fact]
    public async Task Without_libzmq_the_router_runs_on_NetMQ_and_says_why()
    {
        await using var router = ChildProcess.HydraWithoutLibZmq("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0");
        var line = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        Assert.EndsWith("on NetMQ (auto: libzmq not found (tried /nonexistent/libzmq.so.5); install it: apt-get install libzmq5)", line, StringComparison.Ordinal);
    }

    public static TheoryData<string[]> LibZmqCommands => new()
    {
        new[] { "router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--transport", "libzmq" },
        new[] { "ping", "--router", "127.0.0.1", "--count", "1", "--transport", "libzmq" },
        new[] { "pong", "--router", "127.0.0.1", "--transport", "libzmq" },
        new[] { "demo", "--transport", "libzmq" },
    };

    [Theory]
    [MemberData(nameof(LibZmqCommands))]
    public async Task Asking_for_libzmq_without_it_fails_in_one_line_that_says_how_to_install_it(string[] arguments)
    {
        await using var command = ChildProcess.HydraWithoutLibZmq(arguments);
        Assert.Equal(1, await command.WaitForExitAsync());
        var line = Assert.Single(command.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Equal("ERROR: the libzmq transport cannot run: libzmq not found (tried /nonexistent/libzmq.so.5); install it: apt-get install libzmq5", line);
        Assert.DoesNotMatch(new Regex(@"^\s+at ", RegexOptions.Multiline), command.Output); // no stack trace
    }

    [Fact]
    public async Task An_unknown_transport_is_refused_in_flag_words()
    {
        await using var command = ChildProcess.Hydra("router", "--transport", "zmq");
        Assert.Equal(1, await command.WaitForExitAsync());
        Assert.Contains("ERROR: --transport must be auto, libzmq or netmq, got 'zmq'", command.Output, StringComparison.Ordinal);
    }
}
