using System.Diagnostics;
using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Bench.Load;

/// <summary>
/// Idle peers on libzmq (Hydra's binding), for the many-peers run's child processes: each peer has
/// a main and a heartbeat DEALER like HydraMQ; one thread owns every socket, sends each peer's
/// heartbeat in turn spread over the interval, and counts the replies. A libzmq socket costs this
/// process two descriptors (its TCP connection and its mailbox's eventfd), so four a peer.
/// </summary>
internal sealed class ZmqIdlePeers : IDisposable
{
    private readonly ZmqContext _context;
    private readonly ZmqSocket[] _main;
    private readonly ZmqSocket[] _heartbeat;
    private readonly byte[][] _beats;
    private readonly ZmqMsgBlock _block = new(1);

    /// <param name="names">Start of every peer's name, so that several processes never share one.</param>
    /// <param name="onePort">The C++ anchor: both sockets on its one port, the heartbeat one named apart (a ROUTER needs unique ids).</param>
    public ZmqIdlePeers(int count, string names, int port, int heartbeatPort, bool onePort)
    {
        _context = ZmqContext.Create(ioThreads: 1);
        _context.Set(ZmqContextOption.MaxSockets, (2 * count) + 16); // libzmq's default is 1,023
        _main = new ZmqSocket[count];
        _heartbeat = new ZmqSocket[count];
        _beats = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var id = $"{names}-{i:D5}";
            _main[i] = Dealer(id, port);
            _heartbeat[i] = Dealer(onePort ? id + "-hb" : id, onePort ? port : heartbeatPort);
            _beats[i] = Frames.Heartbeat(onePort ? id + "-hb" : id);
        }
    }

    public long Sent { get; private set; }
    public long Replies { get; private set; }

    private ZmqSocket Dealer(string identity, int port)
    {
        var socket = ZmqSocket.Create(_context, ZmqSocketType.Dealer);
        socket.SetOption(ZmqSocketOption.RoutingId, Encoding.UTF8.GetBytes(identity));
        socket.SetOption(ZmqSocketOption.Linger, 0);
        socket.SetOption(ZmqSocketOption.SendHighWaterMark, 1000);
        socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, 1000);
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    /// <summary>
    /// Heartbeats every peer not yet answered (again each second: an early one may precede its
    /// connection) until all have a reply or the limit passes; how many were answered.
    /// </summary>
    public int FirstRound(TimeSpan limit)
    {
        var answered = new bool[_heartbeat.Length];
        var missing = _heartbeat.Length;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var lastSend = 0L;
        while (missing > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            if (Stopwatch.GetElapsedTime(lastSend).TotalSeconds > 1)
            {
                for (var i = 0; i < _heartbeat.Length; i++)
                {
                    if (!answered[i] && _heartbeat[i].Send(_beats[i], ZmqFlags.DontWait) == ZmqError.None)
                    {
                        Sent++;
                    }
                }
                lastSend = Stopwatch.GetTimestamp();
            }
            for (var i = 0; i < _heartbeat.Length; i++)
            {
                if (Drain(i) > 0 && !answered[i])
                {
                    answered[i] = true;
                    missing--;
                }
            }
            Thread.Sleep(10);
        }
        return _heartbeat.Length - missing;
    }

    /// <summary>Peer (slot % n) is due at start + slot × interval/n; beats until <paramref name="stop"/> is set.</summary>
    public void Beat(TimeSpan interval, Func<bool> stop)
    {
        var start = Stopwatch.GetTimestamp();
        var perPeer = interval.TotalSeconds / _heartbeat.Length;
        long slot = 0;
        while (!stop())
        {
            var due = start + (long)(slot * perPeer * Stopwatch.Frequency);
            if (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(1);
                continue;
            }
            var i = (int)(slot % _heartbeat.Length);
            Drain(i);
            if (_heartbeat[i].Send(_beats[i], ZmqFlags.DontWait) == ZmqError.None)
            {
                Sent++;
            }
            slot++;
        }
        // Last replies: a slow router may still be working through a backlog (bounded wait).
        var giveUp = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Replies < Sent && Stopwatch.GetTimestamp() < giveUp)
        {
            Thread.Sleep(50);
            for (var i = 0; i < _heartbeat.Length; i++)
            {
                Drain(i);
            }
        }
    }

    private int Drain(int i)
    {
        var n = 0;
        while (_heartbeat[i].Receive(_block[0], ZmqFlags.DontWait) == ZmqError.None)
        {
            if (!_block[0].More)
            {
                n++;
            }
        }
        Replies += n;
        return n;
    }

    public void Dispose()
    {
        foreach (var socket in _main.Concat(_heartbeat))
        {
            socket?.Dispose();
        }
        _block.Dispose();
        _context.Dispose();
    }
}
