using System.Text;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Performance;

/// <summary>A bare DEALER peer for the performance tests: sends prepared frames, reads raw ones.</summary>
internal sealed class PerfPeer : IDisposable
{
    private readonly DealerSocket _socket = new();

    public PerfPeer(string identity, int port, int receiveHighWatermark = 100_000)
    {
        Identity = identity;
        _socket.Options.Identity = Encoding.UTF8.GetBytes(identity);
        _socket.Options.Linger = TimeSpan.Zero;
        _socket.Options.SendHighWatermark = 100_000;
        _socket.Options.ReceiveHighWatermark = receiveHighWatermark;
        _socket.Connect($"tcp://127.0.0.1:{port}");
    }

    public string Identity { get; }

    public static byte[] Frame(string sender, string target, int seq, int padding = 0) => Encoding.UTF8.GetBytes(
        $"{{\"sender\":\"{sender}\",\"target\":\"{target}\",\"method\":\"load\",\"payload\":{{\"seq\":{seq},\"pad\":\"{new string('x', padding)}\"}},\"protocol_version\":1,\"id\":\"m{seq}\"}}");

    public bool TrySend(byte[] frame, TimeSpan timeout) => _socket.TrySendFrame(timeout, frame);

    public JsonDocument? TryReceive(TimeSpan timeout) =>
        _socket.TryReceiveFrameBytes(timeout, out var frame) ? JsonDocument.Parse(frame) : null;

    /// <summary>Pings the router until it answers, so the router knows this peer before a test starts.</summary>
    public void Register(CancellationToken deadline)
    {
        var ping = Encoding.UTF8.GetBytes($"{{\"sender\":\"{Identity}\",\"target\":\"HydraRouter\",\"method\":\"ping\",\"payload\":{{}},\"protocol_version\":1}}");
        while (true)
        {
            deadline.ThrowIfCancellationRequested();
            _socket.TrySendFrame(TimeSpan.FromSeconds(1), ping);
            using var reply = TryReceive(TimeSpan.FromMilliseconds(500));
            if (reply?.RootElement.GetProperty("method").GetString() == "pong")
            {
                return;
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
