using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Routing;

/// <summary>What peers see when a router stops: nothing but Hydra messages, ever.</summary>
public class RouterStopTests
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task Stopping_sends_peers_nothing_that_is_not_a_hydra_message(HydraTransport transport)
    {
        var router = TestRouter.Start(transport);
        var (port, heartbeatPort) = (router.Port, router.HeartbeatPort);
        using var main = Dealer("watcher", port);
        using var heartbeat = Dealer("watcher", heartbeatPort);
        main.SendFrame(Json("ping"));
        heartbeat.SendFrame(Json("heartbeat"));
        Assert.Equal("pong", Method(main.ReceiveFrameBytes()));
        Assert.Equal("heartbeat_reply", Method(heartbeat.ReceiveFrameBytes()));

        await router.StopAsync(); // NetMQ used to send its internal disconnect marker to every peer here

        // Barrier: a new router on the same ports. The DEALERs reconnect by themselves; until
        // the new router answers, everything they receive (the old router's last words
        // included) must be a Hydra message.
        await using var next = new RouterEngine(new RouterOptions { Transport = transport, Address = "127.0.0.1", Port = port, HeartbeatPort = heartbeatPort });
        await next.StartAsync();
        AskUntilAnswered(main, "ping", "pong");
        AskUntilAnswered(heartbeat, "heartbeat", "heartbeat_reply");
    }

    /// <summary>Sends <paramref name="method"/> until <paramref name="answer"/> comes (a message sent into a closing connection is lost).</summary>
    private static void AskUntilAnswered(DealerSocket socket, string method, string answer)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!deadline.IsCancellationRequested)
        {
            socket.TrySendFrame(TimeSpan.Zero, Json(method));
            while (socket.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(200), out var frame))
            {
                if (Method(frame) == answer)
                {
                    return;
                }
            }
        }
        throw new TimeoutException($"no {answer} from the restarted router");
    }

    private static DealerSocket Dealer(string identity, int port)
    {
        var socket = new DealerSocket();
        socket.Options.Identity = Encoding.UTF8.GetBytes(identity);
        socket.Options.Linger = TimeSpan.Zero;
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    private static byte[] Json(string method) =>
        Encoding.UTF8.GetBytes($$"""{"sender":"watcher","target":"HydraRouter","method":"{{method}}","payload":{},"protocol_version":1}""");

    /// <summary>The method of a Hydra message; fails the test on anything else (such as "\0hydra:disconnected").</summary>
    private static string? Method(byte[] frame)
    {
        try
        {
            return (string?)JsonNode.Parse(frame)!["method"];
        }
        catch (System.Text.Json.JsonException)
        {
            Assert.Fail($"the peer received a frame that is not a Hydra message: {Convert.ToHexString(frame)} ({Encoding.UTF8.GetString(frame).Replace("\0", "\\0", StringComparison.Ordinal)})");
            return null;
        }
    }
}
