using System.Text;
using System.Text.Json.Nodes;
using Hydra.Routing;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Infrastructure;

/// <summary>
/// A bare DEALER socket that can send anything, including what a proper peer never would.
/// Used only from the test's own thread.
/// </summary>
internal sealed class RawPeer : IDisposable
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

    public bool NothingWithin(TimeSpan wait) => !_socket.TryReceiveFrameBytes(wait, out _);

    public void Dispose() => _socket.Dispose();
}

internal static class JsonAssert
{
    public static void IsError(JsonObject reply, string code)
    {
        Assert.Equal("error", (string?)reply["method"]);
        Assert.Equal(code, (string?)reply["payload"]?["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["payload"]?["detail"]), "an error must say what went wrong");
    }
}
