using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Testing;

/// <summary>
/// A bare DEALER socket that can send anything, including what a proper peer never would.
/// Used only from the test's own thread.
/// </summary>
public sealed class RawPeer : IDisposable
{
    private readonly DealerSocket _socket = new();

    public RawPeer(RouterEngine router, byte[]? identity, bool heartbeatPort = false)
    {
        if (identity is not null)
        {
            _socket.Options.Identity = identity;
        }
        _socket.Options.Linger = TimeSpan.Zero;
        _socket.Connect($"tcp://127.0.0.1:{(heartbeatPort ? router.HeartbeatPort : router.Port)}");
    }

    public RawPeer(RouterEngine router, string identity, bool heartbeatPort = false)
        : this(router, Encoding.UTF8.GetBytes(identity), heartbeatPort)
    {
    }

    public void Send(params byte[][] frames) => _socket.SendMultipartBytes(frames);

    public void SendJson(string json) => Send(Encoding.UTF8.GetBytes(json));

    /// <summary>The next message, parsed; fails the test if none comes before the deadline.</summary>
    public JsonObject Receive(TimeSpan? deadline = null)
    {
        var frames = new List<byte[]>();
        Assert.True(_socket.TryReceiveMultipartBytes(deadline ?? TimeSpan.FromSeconds(5), ref frames), "no reply from the router within the deadline");
        Assert.Single(frames);
        return (JsonObject)JsonNode.Parse(frames[0])!;
    }

    /// <summary>The next message's frames as they came; fails the test if none comes before the deadline.</summary>
    public List<byte[]> ReceiveFrames(TimeSpan? deadline = null)
    {
        var frames = new List<byte[]>();
        Assert.True(_socket.TryReceiveMultipartBytes(deadline ?? TimeSpan.FromSeconds(5), ref frames), "nothing received within the deadline");
        return frames;
    }

    public byte[] ReceiveRaw(TimeSpan? deadline = null)
    {
        Assert.True(_socket.TryReceiveFrameBytes(deadline ?? TimeSpan.FromSeconds(5), out var frame), "nothing received within the deadline");
        return frame!;
    }

    /// <summary>
    /// Sends <paramref name="json"/> until the answer with <paramref name="method"/> comes, and
    /// fails the test if anything else arrives first: an ordering barrier for "nothing else
    /// reached this peer". Resending covers a connection ZeroMQ is re-establishing (what is sent
    /// into a closing connection is lost).
    /// </summary>
    public void AskUntilAnswered(string json, string method, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(10));
        while (!timeout.IsCancellationRequested)
        {
            _socket.TrySendFrame(TimeSpan.Zero, Encoding.UTF8.GetBytes(json));
            if (_socket.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(200), out var frame))
            {
                Assert.Equal(method, (string?)JsonNode.Parse(frame)!["method"]);
                return;
            }
        }
        Assert.Fail($"no {method} within the deadline");
    }

    public void Dispose() => _socket.Dispose();
}

public static class JsonAssert
{
    public static void IsError(JsonObject reply, string code)
    {
        Assert.Equal("error", (string?)reply["method"]);
        Assert.Equal(code, (string?)reply["payload"]?["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["payload"]?["detail"]), "an error must say what went wrong");
    }
}
