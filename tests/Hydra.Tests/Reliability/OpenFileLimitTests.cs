using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hydra.Mq;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Reliability;

/// <summary>
/// A router at its open-file limit, as a user meets it: <c>hydra router</c> started under a low
/// <c>ulimit -n</c>, real TCP connections until it takes no more. Before the gate (OpenFileGate),
/// libzmq retried the failing accept without pause and the .NET runtime, refused a pipe for a new
/// thread, stopped the process with "Out of memory.".
/// </summary>
public partial class OpenFileLimitTests
{
    private const int Limit = 512; // a quarter kept free: room for what slips in before the gate closes on a busy machine

    [Theory, OnLibZmq]
    public async Task At_the_open_file_limit_the_router_says_so_once_and_keeps_serving_its_peers(HydraTransport transport)
    {
        await using var router = ChildProcess.Start("bash", "-c",
            $"ulimit -n {Limit}; exec dotnet {Path.Combine(AppContext.BaseDirectory, "hydra.dll")} router --headless --address 127.0.0.1 --port 0 --heartbeat-port 0 --transport libzmq");
        var ports = ListeningLine().Match(await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line", TimeSpan.FromSeconds(30)));
        var options = new HydraMQOptions
        {
            RouterAddress = "127.0.0.1",
            RouterPort = int.Parse(ports.Groups[1].Value, CultureInfo.InvariantCulture),
            RouterHeartbeatPort = int.Parse(ports.Groups[2].Value, CultureInfo.InvariantCulture),
            Transport = transport,
            NetworkTimeout = TimeSpan.FromSeconds(10),
        };
        var peers = Enumerable.Range(0, 3).Select(i => new HydraClient(options with { Identity = $"before-limit-{i}" })).ToList();
        var flood = new List<Socket>();
        try
        {
            foreach (var peer in peers)
            {
                await peer.StartAsync();
                Assert.Equal("pong", (await peer.PingAsync()).Reply.Method);
            }

            // Bare TCP connections until one is not let in: the router's limit, not this process's.
            var endpoint = new IPEndPoint(IPAddress.Loopback, options.RouterPort);
            var turnedAway = false;
            for (var i = 0; i < 2 * Limit && !turnedAway; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                flood.Add(socket);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await socket.ConnectAsync(endpoint, wait.Token);
                }
                catch (OperationCanceledException)
                {
                    turnedAway = true; // its SYN was dropped: no accept left for it
                }
            }
            Assert.True(turnedAway, $"{flood.Count} connections all let in under a limit of {Limit}:\n{router.Output}");

            var line = await router.WaitForLineAsync(l => l.Contains("Open-file limit reached", StringComparison.Ordinal), "the limit line");
            Assert.Contains($"Open-file limit reached ({Limit};", line, StringComparison.Ordinal);
            foreach (var peer in peers)
            {
                Assert.Equal("pong", (await peer.PingAsync()).Reply.Method);
                Assert.True(peer.IsConnected, $"{peer.Identity}: no recent heartbeat reply"); // its heartbeat connection is served too
            }
            Assert.Single(Regex.Matches(router.Output, "Open-file limit reached"));

            // Once connections close, new peers get in again.
            flood.ForEach(s => s.Dispose());
            flood.Clear();
            await using var after = new HydraClient(options with { Identity = "after-limit", NetworkTimeout = TimeSpan.FromSeconds(30) });
            await after.StartAsync();
            Assert.Equal("pong", (await after.PingAsync()).Reply.Method);
            Assert.DoesNotContain("Out of memory", router.Output, StringComparison.Ordinal);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [GeneratedRegex(@":(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningLine();
}
