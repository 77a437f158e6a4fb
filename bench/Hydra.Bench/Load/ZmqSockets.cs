using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Bench.Load;

/// <summary>
/// Peer sockets for the load generator on libzmq (Hydra's own binding): the load side runs on the
/// same engine as the C++ anchor's load generator, so it is not what limits the routers measured.
/// Every socket belongs to the thread that uses it.
/// </summary>
internal static class ZmqSockets
{
    private static readonly Lazy<ZmqContext> Context = new(() => ZmqContext.Create(ioThreads: 1));

    public static ZmqSocket Dealer(string identity, int port, int highWatermark = 100_000)
    {
        var socket = ZmqSocket.Create(Context.Value, ZmqSocketType.Dealer);
        socket.SetOption(ZmqSocketOption.RoutingId, Encoding.UTF8.GetBytes(identity));
        socket.SetOption(ZmqSocketOption.Linger, 0);
        socket.SetOption(ZmqSocketOption.SendHighWaterMark, highWatermark);
        socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, highWatermark);
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    /// <summary>
    /// Sends without waiting; on EAGAIN polls for POLLOUT (which makes libzmq read its reader's
    /// progress reports) up to <paramref name="waitMs"/>: an early EAGAIN is not a full queue.
    /// </summary>
    public static bool TrySend(ZmqSocket socket, ReadOnlySpan<byte> frame, ZmqPollSet outPoll, int waitMs = 0)
    {
        if (socket.Send(frame, ZmqFlags.DontWait) == ZmqError.None)
        {
            return true;
        }
        outPoll.Poll(waitMs);
        return socket.Send(frame, ZmqFlags.DontWait) == ZmqError.None;
    }

    /// <summary>One message (its last frame) into <paramref name="msg"/>, waiting up to <paramref name="waitMs"/> (0: only what is there).</summary>
    public static bool TryReceiveLast(ZmqSocket socket, ZmqMsgRef msg, ZmqPollSet inPoll, int waitMs)
    {
        if (socket.Receive(msg, ZmqFlags.DontWait) != ZmqError.None)
        {
            if (waitMs == 0 || inPoll.Poll(waitMs) == 0 || socket.Receive(msg, ZmqFlags.DontWait) != ZmqError.None)
            {
                return false;
            }
        }
        while (msg.More)
        {
            socket.Receive(msg, ZmqFlags.None);
        }
        return true;
    }

    public static ZmqPollSet PollFor(ZmqSocket socket, ZmqPollEvents events)
    {
        var poll = new ZmqPollSet(1);
        poll.Add(socket, events);
        return poll;
    }

    /// <summary>Sends <paramref name="frame"/> from one socket until it arrives at the other (errors back are discarded); false when none arrived in time.</summary>
    public static bool Probe(ZmqSocket from, ZmqSocket to, byte[] frame, TimeSpan timeout)
    {
        using var fromIn = PollFor(from, ZmqPollEvents.In);
        using var fromOut = PollFor(from, ZmqPollEvents.Out);
        using var toIn = PollFor(to, ZmqPollEvents.In);
        using var block = new ZmqMsgBlock(1);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (TrySend(from, frame, fromOut, 200))
            {
                var arrived = TryReceiveLast(to, block[0], toIn, 100);
                while (TryReceiveLast(from, block[0], fromIn, 0))
                {
                }
                if (arrived)
                {
                    while (TryReceiveLast(to, block[0], toIn, 50))
                    {
                    }
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Pings the router until any answer comes, then drops late answers.</summary>
    public static bool PingRouter(ZmqSocket socket, byte[] ping, TimeSpan timeout)
    {
        using var inPoll = PollFor(socket, ZmqPollEvents.In);
        using var outPoll = PollFor(socket, ZmqPollEvents.Out);
        using var block = new ZmqMsgBlock(1);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (TrySend(socket, ping, outPoll, 200) && TryReceiveLast(socket, block[0], inPoll, 200))
            {
                while (TryReceiveLast(socket, block[0], inPoll, 50))
                {
                }
                return true;
            }
        }
        return false;
    }
}
