using System.Text;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Load;

/// <summary>Peer sockets for the load generator: plain DEALERs, as HydraMQ uses, without its per-message objects.</summary>
internal static class Sockets
{
    public static DealerSocket Dealer(string identity, int port, int highWatermark = 100_000)
    {
        var socket = new DealerSocket();
        socket.Options.Identity = Encoding.UTF8.GetBytes(identity);
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.SendHighWatermark = highWatermark;
        socket.Options.ReceiveHighWatermark = highWatermark;
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    /// <summary>Receives one message (the last frame if there are several); false when none came in time.</summary>
    public static bool TryReceiveLast(NetMQSocket socket, ref Msg msg, TimeSpan timeout)
    {
        if (!socket.TryReceive(ref msg, timeout))
        {
            return false;
        }
        while (msg.HasMore)
        {
            socket.Receive(ref msg);
        }
        return true;
    }

    /// <summary>Sends a frame without copying it; the caller must not change the buffer until it has been delivered.</summary>
    public static bool TrySendNoCopy(NetMQSocket socket, byte[] frame)
    {
        var msg = new Msg();
        msg.InitGC(frame, frame.Length);
        var sent = socket.TrySend(ref msg, TimeSpan.Zero, more: false);
        msg.Close();
        return sent;
    }

    /// <summary>Sends a ping and waits for any answer; false when none came in time.</summary>
    public static bool PingRouter(NetMQSocket socket, byte[] ping, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var msg = new Msg();
        while (DateTime.UtcNow < deadline)
        {
            // Resend every 200 ms: a message sent before the connection is up may be dropped by the router.
            if (TrySendNoCopy(socket, ping))
            {
                msg.InitEmpty();
                var answered = TryReceiveLast(socket, ref msg, TimeSpan.FromMilliseconds(200));
                msg.Close();
                if (answered)
                {
                    DrainAll(socket);
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Sends <paramref name="frame"/> from one socket until it arrives at the other (errors back are discarded); false when none arrived in time.</summary>
    public static bool Probe(NetMQSocket from, NetMQSocket to, byte[] frame, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var msg = new Msg();
        while (DateTime.UtcNow < deadline)
        {
            if (TrySendNoCopy(from, frame))
            {
                msg.InitEmpty();
                var arrived = TryReceiveLast(to, ref msg, TimeSpan.FromMilliseconds(100));
                msg.Close();
                DrainAll(from);
                if (arrived)
                {
                    DrainAll(to);
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Discards whatever is waiting on the socket (late answers to repeated pings).</summary>
    public static int DrainAll(NetMQSocket socket)
    {
        var n = 0;
        var msg = new Msg();
        while (true)
        {
            msg.InitEmpty();
            var got = socket.TryReceive(ref msg, TimeSpan.FromMilliseconds(n == 0 ? 50 : 0));
            msg.Close();
            if (!got)
            {
                return n;
            }
            n++;
        }
    }
}
