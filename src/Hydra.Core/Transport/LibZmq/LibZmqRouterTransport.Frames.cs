using Hydra.Protocol;
using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

// The per-message path, on the loop thread. It allocates nothing managed: frames are received
// into zmq_msg_t that live in native memory for the router's lifetime, inspected in place,
// and a forwarded body is sent on as the very zmq_msg_t it arrived in, once the rules have seen
// the whole burst (ForwardQueue).
internal sealed partial class LibZmqRouterTransport
{
    /// <summary>
    /// Messages received before the rules see them. The rules' forwards then reach libzmq close
    /// together, so its I/O thread, woken by the first, finds several queued for each peer and
    /// writes them in one send: sent one by one, each could wake it for a send of its own.
    /// </summary>
    private const int Burst = 32;

    private ZmqMsgBlock? _frames; // made at start: per message of a burst, [2k] the routing identity, [2k+1] the body (the last frame)
    private readonly Received[] _burst = new Received[Burst];
    private ZmqMsgRef _forwarding; // the body the rules are looking at: what Forward sends
    private const int NotHandling = -1;
    private int _handling = NotHandling; // which message of the burst the rules are looking at
    private bool _mayQueue; // the rules' MayQueueForwards, read at start
    private readonly ForwardQueue _queue = new(Burst);
    private readonly PeerConnections _connections = new();
    private readonly SourceFds _sourceFds = new();
    private readonly Action<PortKind, byte[]> _gone;

    private DrainResult Drain(ZmqSocket socket, PortKind port)
    {
        for (var taken = 0; taken < MaxBatch; taken += Burst)
        {
            var (count, result) = ReceiveBurst(socket);
            var receivedAt = count == 0 ? 0 : _options.TimeProvider.GetTimestamp(); // one clock read per burst: per message it was ~3 % of the routing thread
            for (var k = 0; k < count; k++)
            {
                Handle(port, k, receivedAt);
            }
            SendQueued(port, receivedAt);
            // Drained only when nothing was sent after the last receive: a send can consume the
            // socket's wake-up (ZMQ_FD) for messages that came in meanwhile.
            if (result == DrainResult.Closed || (result == DrainResult.Drained && count == 0))
            {
                return result;
            }
        }
        return DrainResult.More;
    }

    /// <summary>Receives up to <see cref="Burst"/> messages without waiting; Drained when the socket had no more.</summary>
    private (int Count, DrainResult Result) ReceiveBurst(ZmqSocket socket)
    {
        var count = 0;
        while (count < Burst)
        {
            if (socket.Receive(_frames![2 * count], ZmqFlags.DontWait) is var error and not ZmqError.None)
            {
                return (count, error == ZmqError.Terminated ? DrainResult.Closed : DrainResult.Drained);
            }
            if (ReceiveBody(socket, _frames[2 * count + 1], out var parts, out var firstPartEmpty))
            {
                _burst[count++] = new Received(parts, firstPartEmpty);
            }
        }
        return (count, DrainResult.More);
    }

    private void Handle(PortKind port, int k, long receivedAt)
    {
        try
        {
            var body = _frames![2 * k + 1];
            var name = _frames[2 * k].Bytes;
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
            _forwarding = body;
            _handling = k;
            _rules!.OnFrame(port, name, Frame(k, receivedAt));
        }
        catch (Exception e) when (e is not ZmqException { Error: ZmqError.Terminated })
        {
            // The rules guard their own work; this is the transport's: one frame must not stop the loop.
            _log.LogReceiveFailed(e);
        }
        finally
        {
            _handling = NotHandling;
        }
    }

    /// <summary>Message <paramref name="k"/> of the burst, as the rules see it.</summary>
    private ReceivedFrame Frame(int k, long receivedAt)
    {
        var body = _frames![2 * k + 1];
        return new ReceivedFrame(body.Bytes, _burst[k].Parts, _burst[k].FirstPartEmpty, _keyCheck is null ? default : body.UserId, receivedAt);
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

    public SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame, object? token) =>
        _mayQueue && _handling != NotHandling
            ? _queue.Add(SocketOf(port), identity, envelope, _handling, token)
            : SendHandled(SocketOf(port), identity, envelope, _forwarding, default);

    /// <summary>Sends the burst's queued forwards, in order; the rules hear of each that could not go.</summary>
    private void SendQueued(PortKind from, long receivedAt)
    {
        for (var i = 0; i < _queue.Count; i++)
        {
            ref readonly var forward = ref _queue[i];
            var result = SendHandled(forward.Socket, forward.Target, forward.Envelope, _frames![2 * forward.Message + 1], default);
            if (result == SendResult.Sent)
            {
                continue;
            }
            try
            {
                _rules!.OnForwardFailed(from, _frames[2 * forward.Message].Bytes, Frame(forward.Message, receivedAt), result, forward.Token);
            }
            catch (Exception e) when (e is not ZmqException { Error: ZmqError.Terminated })
            {
                _log.LogReceiveFailed(e);
            }
        }
        _queue.Clear();
    }

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

/// <summary>What the rules need of a received message besides its frames.</summary>
internal readonly record struct Received(int Parts, bool FirstPartEmpty);
