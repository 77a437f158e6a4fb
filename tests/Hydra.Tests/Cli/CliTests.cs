using System.Globalization;
using System.Text.RegularExpressions;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Cli;

/// <summary>The hydra command as a user runs it: a real child process.</summary>
public class CliTests
{
    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Flag(HydraTransport transport) => transport.ToString().ToLowerInvariant();

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Ping_prints_a_line_per_pong_and_a_summary(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var server = PongServer.Create(router.PeerOptions());
        await server.StartAsync();
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Port(router.Port), "--heartbeat-port", Port(router.HeartbeatPort),
            "--target", "HydraServer", "--count", "3", "--interval", "0.05", "--transport", Flag(transport));
        Assert.Equal(0, await ping.WaitForExitAsync());
        Assert.Equal(3, Regex.Matches(ping.Output, @"pong from HydraServer: seq=\d time=\d+\.\d{3} ms").Count);
        Assert.Contains("3 sent, 3 received, 0% lost, rtt min/avg/max = ", ping.Output);
    }

    [Fact]
    public async Task Ping_with_nobody_answering_exits_1()
    {
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2",
            "--count", "1", "--timeout", "0.3");
        Assert.Equal(1, await ping.WaitForExitAsync());
        Assert.Contains("seq=1 timed out after 0.3 s", ping.Output);
        Assert.Contains("1 sent, 0 received, 100% lost", ping.Output);
    }

    [Fact]
    public async Task Ping_of_an_unknown_peer_shows_the_routers_error()
    {
        await using var router = TestRouter.Start();
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Port(router.Port), "--heartbeat-port", Port(router.HeartbeatPort),
            "--target", "nobody", "--count", "1");
        Assert.Equal(1, await ping.WaitForExitAsync());
        Assert.Contains("error from HydraRouter: seq=1 unknown_target: no peer named 'nobody' is connected", ping.Output);
    }

    [Fact]
    public async Task Router_on_a_taken_port_prints_one_error_line_and_exits_1()
    {
        await using var taken = TestRouter.Start();
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", Port(taken.Port), "--heartbeat-port", "0");
        Assert.Equal(1, await router.WaitForExitAsync());
        var line = Assert.Single(router.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"ERROR: cannot listen on 127.0.0.1:{taken.Port}: port {taken.Port} is already in use", line);
    }

    public static TheoryData<string> Signals => new() { "TERM", "INT" };

    [Theory, OnNetMQ(nameof(Signals)), OnLibZmq(nameof(Signals))]
    public async Task Headless_router_routes_and_stops_cleanly_on_a_signal(HydraTransport transport, string signal)
    {
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--log-level", "INFO", "--transport", Flag(transport));
        var listening = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        Assert.Contains(transport == HydraTransport.LibZmq ? "on libzmq 4." : "on NetMQ (asked for)", listening, StringComparison.Ordinal);
        var ports = Regex.Match(listening, @":(\d+) \(heartbeats on (\d+)\)");
        await using (var client = new HydraClient(new HydraMQOptions
        {
            NetworkTimeout = TimeSpan.FromSeconds(10),
            RouterAddress = "127.0.0.1",
            RouterPort = int.Parse(ports.Groups[1].Value, CultureInfo.InvariantCulture),
            RouterHeartbeatPort = int.Parse(ports.Groups[2].Value, CultureInfo.InvariantCulture),
            Transport = transport,
        }))
        {
            await client.StartAsync();
            Assert.Equal("pong", (await client.PingAsync()).Reply.Method);
        }
        router.Signal(signal);
        Assert.Equal(0, await router.WaitForExitAsync());
        Assert.Contains("[INFO] [HydraRouter] Router stopped", router.Output);
    }

    // Each peer costs a router two descriptors, so the open-file limit is its ceiling on peers: an
    // operator must see it. Started with a soft limit of 1,024, as many shells set it, the router
    // still runs with the hard limit (the .NET runtime raises it) and says so with the peers it allows.
    [Fact]
    public async Task A_headless_router_says_how_many_files_it_may_open_and_so_how_many_peers()
    {
        var hard = File.ReadLines("/proc/self/limits").Single(line => line.StartsWith("Max open files", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        await using var router = ChildProcess.Start("bash", "-c",
            $"ulimit -Sn 1024 2>/dev/null; exec dotnet {Path.Combine(AppContext.BaseDirectory, "hydra.dll")} router --headless --address 127.0.0.1 --port 0 --heartbeat-port 0");

        var line = await router.WaitForLineAsync(l => l.Contains("Open files:", StringComparison.Ordinal), "the open-files line");

        Assert.Contains(hard == "unlimited"
            ? "Open files: unlimited (hard limit unlimited); each peer takes 2, so any number of peers"
            : $"Open files: {long.Parse(hard, CultureInfo.InvariantCulture):N0} (hard limit {long.Parse(hard, CultureInfo.InvariantCulture):N0}); each peer takes 2, so about {(long.Parse(hard, CultureInfo.InvariantCulture) - 100 - Math.Min(1024, long.Parse(hard, CultureInfo.InvariantCulture) / 4)) / 2:N0} peers",
            line, StringComparison.Ordinal);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Pong_command_answers_pings(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var pong = ChildProcess.Hydra("pong", "--router", "127.0.0.1", "--port", Port(router.Port), "--heartbeat-port", Port(router.HeartbeatPort), "--id", "CliPong",
            "--transport", Flag(transport));
        await using var client = new HydraClient(router.PeerOptions());
        await client.StartAsync();
        await Eventually.ValueAsync(() => router.GetClientsAsync(), rows => rows.Any(r => r.Identity == "CliPong"), "the pong server to connect", TimeSpan.FromSeconds(20));
        Assert.Equal("CliPong", (await client.PingAsync("CliPong")).Reply.Sender);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Pong_says_it_will_answer_before_it_says_it_is_connected(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var pong = ChildProcess.Hydra("pong", "--router", "127.0.0.1", "--port", Port(router.Port), "--heartbeat-port", Port(router.HeartbeatPort),
            "--transport", Flag(transport));
        await pong.WaitForLineAsync(l => l.Contains("HydraServer: connected to the router", StringComparison.Ordinal), "the connected line");
        var lines = pong.Output.Split('\n').ToList();
        var willAnswer = lines.FindIndex(l => l.Contains("HydraServer will answer ping", StringComparison.Ordinal));
        var connected = lines.FindIndex(l => l.Contains("HydraServer: connected to the router", StringComparison.Ordinal));
        Assert.True(willAnswer >= 0 && willAnswer < connected, $"'will answer' must come first:\n{pong.Output}");
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Demo_shows_a_ping_working_end_to_end(HydraTransport transport)
    {
        await using var demo = ChildProcess.Hydra("demo", "--count", "2", "--transport", Flag(transport));
        Assert.Equal(0, await demo.WaitForExitAsync());
        Assert.Contains("2 sent, 2 received, 0% lost", demo.Output);
    }

    [Theory]
    [InlineData("router", "--headless", "--start", "--address", "--port", "--heartbeat-port", "--log-level", "--log-file", "--curve-key", "--authorized-keys", "--transport")]
    [InlineData("pong", "--router", "--port", "--heartbeat-port", "--id", "--log-level", "--log-file", "--server-key", "--curve-key", "--transport")]
    [InlineData("ping", "--router", "--port", "--heartbeat-port", "--target", "--count", "--interval", "--timeout", "--id", "--server-key", "--curve-key", "--transport")]
    [InlineData("client", "--router", "--port", "--heartbeat-port", "--id", "--server-key", "--curve-key", "--transport")]
    [InlineData("demo", "--count", "--transport")]
    public async Task Help_lists_every_flag(string command, params string[] flags)
    {
        await using var help = ChildProcess.Hydra(command, "--help");
        Assert.Equal(0, await help.WaitForExitAsync());
        Assert.All(flags, flag => Assert.Contains(flag, help.Output));
    }
}
