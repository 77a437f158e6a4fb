using Hydra.Protocol;
using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

// The per-message path, on the loop thread. It allocates nothing managed: frames are received
// into two zmq_msg_t that live in native memory for the router's lifetime, inspected in place,
// and a forwarded body is sent on as the very zmq_msg_t it arrived in.
internal sealed partial class LibZmqRouterTransport
{
    private ZmqMsgBlock? _frames; // [0] the routing identity, [1] the body (the last frame); made at start
    private readonly PeerConnections _connections = new();
    private readonly SourceFds _sourceFds = new();
    private readonly Action<PortKind, byte[]> _gone;

    private DrainResult Drain(ZmqSocket socket, PortKind port)
    {
        var identity = _frames![0];
        var body = _frames[1];
        var receivedAt = 0L; // one clock read per batch: a clock read was ~3 % of the routing thread, per message
        for (var i = 0; i < MaxBatch; i++)
        {
            if (socket.Receive(identity, ZmqFlags.DontWait) is var error and not ZmqError.None)
            {
                return error == ZmqError.Terminated ? DrainResult.Closed : DrainResult.Drained;
            }
            try
            {
                if (!ReceiveBody(socket, body, out var parts, out var firstPartEmpty))
                {
                    continue;
                }
                var name = identity.Bytes;
                if (!_connections.IsCurrent(_sourceFds.Of(body), name))
                {
                    // Not on record: the remembered fd may be stale, so ask libzmq.
                    var fd = _sourceFds.Read(body);
                    if (!_connections.IsCurrent(fd, name))
                    {
                        // A connection's first message (or a reused fd): its DISCONNECTED news, if any, is already queued.
                        _ = ReadConnectionEvents(port == PortKind.Main ? _mainMonitor! : _heartbeatMonitor!);
                        _connections.Add(fd, port, name, _gone);
                    }
                }
                var key = _keyCheck is null ? default : body.UserId;
                if (receivedAt == 0)
                {
                    receivedAt = _options.TimeProvider.GetTimestamp();
                }
                _rules!.OnFrame(port, name, new ReceivedFrame(body.Bytes, parts, firstPartEmpty, key, receivedAt));
            }
            catch (Exception e) when (e is not ZmqException { Error: ZmqError.Terminated })
            {
                // The rules guard their own work; this is the transport's: one frame must not stop the loop.
                _log.LogReceiveFailed(e);
            }
        }
        return DrainResult.More;
    }

    /// <summary>Reads the frames after the identity; <paramref name="body"/> ends up holding the last.</summary>
    private static bool ReceiveBody(ZmqSocket socket, ZmqMsgRef body, out int parts, out bool firstPartEmpty)
    {
        parts = 0;
        firstPartEmpty = false;
        do
        {
            // The frames of a message arrive together: none of these waits.
            if (socket.Receive(body, ZmqFlags.DontWait) != ZmqError.None)
            {
                return false;
            }
            if (parts++ == 0)
            {
                firstPartEmpty = body.Size == 0;
            }
        }
        while (body.More);
        return true;
    }

    public SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame) =>
        SendHandled(SocketOf(port), identity, envelope, _frames![1], default);

    public SendResult Send(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, ReadOnlySpan<byte> body) =>
        SendHandled(SocketOf(port), identity, envelope, default, body);

    private ZmqSocket SocketOf(PortKind port) => port == PortKind.Main ? _main! : _heartbeat!;

    /// <summary>
    /// Sends [identity, (""), body] without waiting: the body is either the received message
    /// (<paramref name="received"/>, handed to libzmq without a copy) or <paramref name="bytes"/> (copied).
    /// </summary>
    private static unsafe SendResult SendHandled(ZmqSocket socket, ReadOnlySpan<byte> identity, Envelope envelope, ZmqMsgRef received, ReadOnlySpan<byte> bytes)
    {
        var error = LibZmqSend.First(socket, identity, ZmqFlags.SendMore);
        if (error != ZmqError.None)
        {
            return LibZmqSend.ToResult(error);
        }
        // Once the identity frame is accepted, the frames after it cannot be refused (the
        // high-water mark counts whole messages, and it was checked for this one).
        if (envelope == Envelope.Delimited)
        {
            _ = socket.Send(ReadOnlySpan<byte>.Empty, ZmqFlags.SendMore | ZmqFlags.DontWait);
        }
        _ = received.Pointer is null ? socket.Send(bytes, ZmqFlags.DontWait) : socket.Send(received, ZmqFlags.DontWait);
        return SendResult.Sent;
    }
}
