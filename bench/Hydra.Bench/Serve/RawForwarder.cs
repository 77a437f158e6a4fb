using Hydra.Protocol;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Serve;

/// <summary>
/// The local ceiling: a ROUTER that finds <c>"target":"…"</c> by a byte scan and forwards the
/// same bytes, with no JSON parsing, no checks and no replies except an echo of anything
/// addressed to HydraRouter (so pings and heartbeats get an answer, as from a real router).
/// Same poller structure, socket options and batch draining as <see cref="Routing.RouterEngine"/>,
/// so the difference between the two is the cost of Hydra's checks.
/// </summary>
internal sealed class RawForwarder : IDisposable
{
    private static ReadOnlySpan<byte> TargetKey => "\"target\":\""u8;
    private static ReadOnlySpan<byte> RouterName => "HydraRouter"u8;
    private readonly RouterSocket _main = Create();
    private readonly RouterSocket _heartbeat = Create();
    private readonly Dictionary<byte[], byte[]> _identities = new(ByteArrayComparer.Instance); // the router's comparer: spans look up without a copy
    private readonly NetMQPoller _poller;
    private long _routed;

    public RawForwarder()
    {
        Port = _main.BindRandomPort("tcp://127.0.0.1");
        HeartbeatPort = _heartbeat.BindRandomPort("tcp://127.0.0.1");
        _main.ReceiveReady += (_, _) => Drain(_main);
        _heartbeat.ReceiveReady += (_, _) => Drain(_heartbeat);
        _poller = [_main, _heartbeat];
        _poller.RunAsync("raw forwarder", isBackgroundThread: true);
    }

    public int Port { get; }
    public int HeartbeatPort { get; }
    public long Routed => Interlocked.Read(ref _routed);

    private static RouterSocket Create()
    {
        var socket = new RouterSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.SendHighWatermark = 10_000;    // as RouterOptions.HighWatermark's default
        socket.Options.ReceiveHighWatermark = 10_000;
        return socket;
    }

    private void Drain(RouterSocket socket)
    {
        for (var i = 0; i < 256; i++)
        {
            var identity = new Msg();
            var body = new Msg();
            identity.InitEmpty();
            body.InitEmpty();
            if (!socket.TryReceive(ref identity, TimeSpan.Zero))
            {
                identity.Close();
                body.Close();
                return;
            }
            do
            {
                body.Close();
                body.InitEmpty();
                socket.Receive(ref body);
            }
            while (body.HasMore);
            var to = socket == _heartbeat ? identity.Slice() : TargetOf(body.Slice());
            if (to.SequenceEqual(RouterName))
            {
                to = identity.Slice();
            }
            var address = new Msg();
            var bytes = Cached(to);
            address.InitGC(bytes, bytes.Length);
            if (socket.TrySend(ref address, TimeSpan.Zero, more: true))
            {
                socket.TrySend(ref body, TimeSpan.Zero, more: false);
                _routed++;
            }
            address.Close();
            identity.Close();
            body.Close();
        }
    }

    private static ReadOnlySpan<byte> TargetOf(ReadOnlySpan<byte> frame)
    {
        var at = frame.IndexOf(TargetKey);
        if (at < 0)
        {
            return default;
        }
        var rest = frame[(at + TargetKey.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? default : rest[..end];
    }

    private byte[] Cached(ReadOnlySpan<byte> identity)
    {
        var lookup = _identities.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.TryGetValue(identity, out var bytes))
        {
            bytes = identity.ToArray();
            _identities[bytes] = bytes;
        }
        return bytes;
    }

    public void Dispose()
    {
        _poller.Stop();
        _poller.Dispose();
        _main.Dispose();
        _heartbeat.Dispose();
    }
}
