using System.Threading.Channels;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tui.Client;

namespace Hydra.Tui.Tests;

public sealed class ClientSessionTests
{
    [PythonFact]
    public async Task Through_the_original_python_router_pings_are_answered_and_said_to_be_uncorrelated()
    {
        await using var pythonRouter = Python.Run("py_router.py");
        var ready = await pythonRouter.WaitForEventAsync("ready");
        var options = new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = (int)ready["port"]!, RouterHeartbeatPort = (int)ready["heartbeat_port"]! };
        await using var session = new ClientSession(options, pingTimeout: TimeSpan.FromSeconds(5));
        var lines = Channel.CreateUnbounded<string>();
        session.Line += line => lines.Writer.TryWrite(line);
        await session.StartAsync();
        await session.PingAsync(HydraIdentities.Router); // the original strips ids: matched the way it matches
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("Sending ping to router (#1)", await lines.Reader.ReadAsync(deadline.Token));
        Assert.Matches(@"^Received pong in \d+\.\d ms \(#1, uncorrelated: the router strips ids\)$", await lines.Reader.ReadAsync(deadline.Token));
    }

    [Fact]
    public async Task A_pong_after_the_timeout_is_reported_as_late_not_as_the_answer_to_the_next_ping()
    {
        await using var router = TestRouter.Start();
        var peer = router.PeerOptions();
        // A server that holds back its pong to ping #1 and sends it just before answering ping #2:
        // the late pong reaches the client while ping #2 is waiting.
        HydraServer? server = null;
        HydraMsg? heldBack = null;
        server = new HydraServer(peer with { Identity = "Slow" }, new Dictionary<string, HydraMethodHandler>
        {
            [HydraMethods.Ping] = async (ping, cancellationToken) =>
            {
                if (heldBack is null)
                {
                    heldBack = ping;
                    return null;
                }
                await server!.SendAsync(heldBack.CreateReply(HydraMethods.Pong), cancellationToken);
                return ping.CreateReply(HydraMethods.Pong);
            },
        });
        await using var _ = server;
        await server.StartAsync(); // reachable before the first ping
        // Ping #1 always times out (its pong is held back); the timeout only needs to be long
        // enough for ping #2's round trip on a busy machine.
        await using var session = new ClientSession(peer, pingTimeout: TimeSpan.FromSeconds(2));
        var lines = Channel.CreateUnbounded<string>();
        session.Line += line => lines.Writer.TryWrite(line);
        await session.StartAsync();

        await session.PingAsync("Slow");
        await session.PingAsync("Slow");
        // The late pong is reported from another thread, so it may come just before or after #2's answer.

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        while (seen.Count < 5)
        {
            seen.Add(await lines.Reader.ReadAsync(deadline.Token));
        }
        Assert.Equal("Sending ping to Slow (#1)", seen[0]);
        Assert.StartsWith("Ping timed out... (#1", seen[1], StringComparison.Ordinal);
        Assert.Equal("Sending ping to Slow (#2)", seen[2]);
        Assert.Contains("Late pong from Slow for ping #1, which had timed out", seen[3..]);
        Assert.Single(seen[3..], l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Received pong in \d+\.\d ms \(#2\)$"));
    }

    [Fact]
    public async Task An_unknown_router_host_is_reported_as_a_line_and_pings_say_why_they_were_not_sent()
    {
        await using var session = new ClientSession(new HydraMQOptions { RouterAddress = "router.invalid", RouterPort = 5757 });
        var lines = Channel.CreateUnbounded<string>();
        session.Line += line => lines.Writer.TryWrite(line);

        await session.StartAsync();
        await session.PingAsync(HydraIdentities.Router);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.StartsWith("ERROR: cannot reach the router at router.invalid:5757", await lines.Reader.ReadAsync(deadline.Token), StringComparison.Ordinal);
        Assert.StartsWith("Ping not sent: cannot reach the router", await lines.Reader.ReadAsync(deadline.Token), StringComparison.Ordinal);
        Assert.False(session.IsConnected);
    }
}
