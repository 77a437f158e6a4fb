using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// A bare Hydra-shaped forwarder on the binding, the C# twin of bench/cpp/anchor_router.cpp:
/// a ROUTER (ZMQ_ROUTER_MANDATORY, high-water mark 10,000) that receives [identity, body],
/// finds <c>"target":"…"</c> by a byte scan and sends [target, body] with the body's zmq_msg_t
/// passed on as received (zero-copy). A message to HydraRouter is answered: ping with pong,
/// heartbeat with heartbeat_reply. A second ROUTER on its own thread answers heartbeats, as
/// Hydra's heartbeat port does. Each socket lives on its own thread, blocked in
/// zmq_msg_recv; dispose shuts the context down, which wakes both with ETERM.
/// The routing thread publishes its allocated-bytes counter after every message, so a test can
/// tell whether the loop allocates.
/// </summary>
internal sealed class LibZmqForwarder : IDisposable
{
    private static ReadOnlySpan<byte> TargetKey => "\"target\""u8;
    private static ReadOnlySpan<byte> MethodKey => "\"method\""u8;
    private static ReadOnlySpan<byte> RouterName => "HydraRouter"u8;

    private readonly ZmqContext _context = ZmqContext.Create();
    private readonly Thread _main;
    private readonly Thread _heartbeat;
    private long _routed;
    private long _dropped;
    private long _answered;
    private long _allocated;

    public LibZmqForwarder(string host = "127.0.0.1", int highWatermark = 10_000)
    {
        var mainReady = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heartbeatReady = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _main = new Thread(() => Serve(host, highWatermark, forward: true, mainReady)) { IsBackground = true, Name = "libzmq forwarder" };
        _heartbeat = new Thread(() => Serve(host, highWatermark, forward: false, heartbeatReady)) { IsBackground = true, Name = "libzmq forwarder heartbeat" };
        _main.Start();
        _heartbeat.Start();
        Port = mainReady.Task.GetAwaiter().GetResult();
        HeartbeatPort = heartbeatReady.Task.GetAwaiter().GetResult();
    }

    public int Port { get; }
    public int HeartbeatPort { get; }
    public string Endpoint => $"tcp://127.0.0.1:{Port}";

    /// <summary>Messages forwarded to their target.</summary>
    public long Routed => Volatile.Read(ref _routed);

    /// <summary>Messages whose target was unknown or full (EHOSTUNREACH / EAGAIN).</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Pings and heartbeats answered.</summary>
    public long Answered => Volatile.Read(ref _answered);

    /// <summary>GC.GetAllocatedBytesForCurrentThread on the routing thread, as of its last message.</summary>
    public long RoutingThreadAllocatedBytes => Volatile.Read(ref _allocated);

    private void Serve(string host, int highWatermark, bool forward, TaskCompletionSource<int> ready)
    {
        ZmqSocket? socket = null;
        int port;
        try
        {
            socket = ZmqSocket.Create(_context, ZmqSocketType.Router);
            socket.SetOption(ZmqSocketOption.RouterMandatory, true);
            socket.SetOption(ZmqSocketOption.SendHighWaterMark, highWatermark);
            socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, highWatermark);
            port = socket.BindRandomPort(host);
        }
        catch (ZmqException e)
        {
            socket?.Dispose();
            ready.SetException(e);
            return;
        }
        ready.SetResult(port);
        using (socket)
        using (var frames = new ZmqMsgBlock(2))
        {
            Route(socket, frames[0], frames[1], forward);
        }
    }

    private void Route(ZmqSocket socket, ZmqMsgRef identity, ZmqMsgRef body, bool forward)
    {
        var reply = new byte[512]; // pong and heartbeat_reply are written here: nothing is allocated per message
        while (true)
        {
            var error = socket.Receive(identity, ZmqFlags.None);
            if (error != ZmqError.None)
            {
                if (error is ZmqError.Interrupted)
                {
                    continue;
                }
                return; // Terminated: Dispose shut the context down
            }
            if (socket.Receive(body, ZmqFlags.None) != ZmqError.None)
            {
                return;
            }
            while (body.More) // Hydra messages are one frame; keep the last of anything longer
            {
                if (socket.Receive(body, ZmqFlags.None) != ZmqError.None)
                {
                    return;
                }
            }
            var frame = body.Bytes;
            var target = Field(frame, TargetKey);
            ref var outcome = ref _dropped;
            if (!forward || target.SequenceEqual(RouterName))
            {
                var length = Reply(reply, identity.Bytes, Field(frame, MethodKey));
                if (length > 0 && socket.Send(identity, ZmqFlags.SendMore | ZmqFlags.DontWait) == ZmqError.None
                    && socket.Send(reply.AsSpan(0, length), ZmqFlags.DontWait) == ZmqError.None)
                {
                    outcome = ref _answered;
                }
            }
            else if (socket.Send(target, ZmqFlags.SendMore | ZmqFlags.DontWait) == ZmqError.None
                && socket.Send(body, ZmqFlags.DontWait) == ZmqError.None)
            {
                outcome = ref _routed;
            }
            if (forward)
            {
                // Before the counter: a reader that sees the count also sees the bytes allocated up to it.
                Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread());
            }
            Volatile.Write(ref outcome, outcome + 1);
        }
    }

    /// <summary>
    /// The string value of <paramref name="key"/> (<c>"target"</c>), found by a byte scan, not a
    /// JSON parse; allows the blanks Python's json.dumps puts after the colon.
    /// </summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> key)
    {
        var at = frame.IndexOf(key);
        if (at < 0)
        {
            return default;
        }
        var rest = frame[(at + key.Length)..].TrimStart(" :"u8);
        if (rest.IsEmpty || rest[0] != '"')
        {
            return default;
        }
        rest = rest[1..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? default : rest[..end];
    }

    /// <summary>Writes the answer to a ping or heartbeat into <paramref name="buffer"/>; 0 for anything else.</summary>
    private static int Reply(Span<byte> buffer, ReadOnlySpan<byte> to, ReadOnlySpan<byte> method)
    {
        ReadOnlySpan<byte> answer = method.SequenceEqual("ping"u8) ? "pong"u8
            : method.SequenceEqual("heartbeat"u8) ? "heartbeat_reply"u8
            : default;
        if (answer.IsEmpty || to.Length > 255)
        {
            return 0;
        }
        var written = 0;
        Append(buffer, ref written, "{\"sender\":\"HydraRouter\",\"target\":\""u8);
        Append(buffer, ref written, to);
        Append(buffer, ref written, "\",\"method\":\""u8);
        Append(buffer, ref written, answer);
        Append(buffer, ref written, "\",\"payload\":{},\"protocol_version\":1}"u8);
        return written;
    }

    private static void Append(Span<byte> buffer, ref int written, ReadOnlySpan<byte> part)
    {
        part.CopyTo(buffer[written..]);
        written += part.Length;
    }

    public void Dispose()
    {
        _context.Shutdown(); // both threads wake from zmq_msg_recv with ETERM and close their sockets
        _main.Join();
        _heartbeat.Join();
        _context.Dispose();
    }

    public override string ToString() => $"routed {Routed}, dropped {Dropped}, answered {Answered}";
}
