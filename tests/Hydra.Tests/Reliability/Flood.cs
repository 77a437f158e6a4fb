using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Reliability;

/// <summary>
/// A sender that floods one target with numbered messages as fast as the router takes them,
/// and a receiver that reads nothing until asked to. Raw DEALERs, driven from the test's thread.
/// </summary>
internal sealed class Flood : IDisposable
{
    private readonly DealerSocket _sender = Dealer("flooder");
    private readonly DealerSocket _receiver = Dealer("slow");

    public Flood(int port)
    {
        _sender.Options.ReceiveHighWatermark = 0; // the sender keeps every error the router sends back
        _sender.Connect($"tcp://127.0.0.1:{port}");
        _receiver.Connect($"tcp://127.0.0.1:{port}");
    }

    /// <summary>Ids the router answered <c>busy</c> for.</summary>
    public HashSet<int> Busy { get; } = [];

    /// <summary>Error replies with any other code (there should be none).</summary>
    public List<string> OtherErrors { get; } = [];

    /// <summary>Makes both peers known to the router: each pings and waits for its pong.</summary>
    public void Introduce()
    {
        foreach (var (socket, name) in new[] { (_sender, "flooder"), (_receiver, "slow") })
        {
            socket.SendFrame(Json(name, "HydraRouter", "ping", -1, 0));
            Assert.True(socket.TryReceiveFrameString(TimeSpan.FromSeconds(10), out var pong) && pong.Contains("\"pong\"", StringComparison.Ordinal), $"{name} got no pong");
        }
    }

    /// <summary>Sends messages 0..count-1 to the slow receiver, collecting busy errors as they come.</summary>
    public void Send(int count, int payloadBytes, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        for (var n = 0; n < count; n++)
        {
            var frame = Json("flooder", "slow", "work", n, payloadBytes);
            while (!_sender.TrySendFrame(TimeSpan.Zero, frame))
            {
                // Our own queue to the router is full: read the router's answers, then retry.
                ReadReplies(TimeSpan.FromMilliseconds(10));
                Assert.True(Stopwatch.GetElapsedTime(started) < deadline, $"flood not sent within {deadline}");
            }
            ReadReplies(TimeSpan.Zero);
        }
    }

    /// <summary>Reads errors until <paramref name="expected"/> is reached or the deadline passes.</summary>
    public void ReadRepliesUntil(Func<bool> expected, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        while (!expected() && Stopwatch.GetElapsedTime(started) < deadline)
        {
            ReadReplies(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>The slow receiver finally reads: returns the numbers it got, stopping when nothing more comes for <paramref name="quiet"/>.</summary>
    public List<int> Drain(int atMost, TimeSpan quiet)
    {
        var got = new List<int>();
        while (got.Count < atMost && _receiver.TryReceiveFrameString(quiet, out var json))
        {
            got.Add((int)JsonNode.Parse(json)!["payload"]!["n"]!);
        }
        return got;
    }

    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    private void ReadReplies(TimeSpan wait)
    {
        while (_sender.TryReceiveFrameString(wait, out var json))
        {
            wait = TimeSpan.Zero;
            var reply = JsonNode.Parse(json)!;
            var code = (string?)reply["payload"]?["code"];
            if (code == "busy")
            {
                Busy.Add(int.Parse(((string)reply["reply_to"]!)[1..], System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                OtherErrors.Add(json);
            }
        }
    }

    private static byte[] Json(string sender, string target, string method, int n, int payloadBytes) => Encoding.UTF8.GetBytes(
        $$"""{"sender":"{{sender}}","target":"{{target}}","method":"{{method}}","payload":{"n":{{n}},"pad":"{{new string('p', payloadBytes)}}"},"protocol_version":1,"id":"m{{n}}"}""");

    private static DealerSocket Dealer(string identity)
    {
        var socket = new DealerSocket();
        socket.Options.Identity = Encoding.UTF8.GetBytes(identity);
        socket.Options.Linger = TimeSpan.Zero;
        return socket;
    }
}
