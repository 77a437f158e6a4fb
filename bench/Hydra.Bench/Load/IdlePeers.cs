using System.Diagnostics;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Load;

/// <summary>
/// Many connected peers that do nothing but heartbeat, as HydraMQ peers do: each has a
/// main and a heartbeat DEALER; one thread sends each peer's heartbeat in turn, spread
/// evenly over the interval, and counts the replies.
/// </summary>
internal sealed class IdlePeers : IDisposable
{
    private readonly DealerSocket[] _main;
    private readonly DealerSocket[] _heartbeat;
    private readonly byte[][] _beats;
    private readonly TimeSpan _interval;
    private Thread? _thread;
    private volatile bool _stop;
    private long _sent, _replies;

    private IdlePeers(int count, TimeSpan interval, int port, int heartbeatPort)
    {
        _interval = interval;
        _main = new DealerSocket[count];
        _heartbeat = new DealerSocket[count];
        _beats = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var id = $"idle-{i:D4}";
            _main[i] = Sockets.Dealer(id, port, highWatermark: 1000);
            _heartbeat[i] = Sockets.Dealer(id, heartbeatPort, highWatermark: 1000);
            _beats[i] = Frames.Heartbeat(id);
        }
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>
    /// Creates and connects the peers on a thread that will own their sockets from then on,
    /// sends one round of heartbeats and waits (bounded) until every peer has its reply.
    /// </summary>
    public static IdlePeers Start(int count, TimeSpan interval, int port, int heartbeatPort, TimeSpan connectLimit, out bool allAnswered)
    {
        IdlePeers? peers = null;
        var answered = false;
        var ready = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            peers = new IdlePeers(count, interval, port, heartbeatPort);
            answered = peers.FirstRound(connectLimit);
            ready.Set();
            peers.Beat();
        }) { IsBackground = true, Name = "idle peers" };
        thread.Start();
        ready.Wait();
        peers!._thread = thread;
        allAnswered = answered;
        return peers;
    }

    private bool FirstRound(TimeSpan limit)
    {
        var answered = new bool[_heartbeat.Length];
        var missing = _heartbeat.Length;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var lastSend = 0L;
        while (missing > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            if (Stopwatch.GetElapsedTime(lastSend).TotalSeconds > 1)
            {
                // (Re)send to those still without a reply: early ones may precede the connection.
                for (var i = 0; i < _heartbeat.Length; i++)
                {
                    if (!answered[i] && Sockets.TrySendNoCopy(_heartbeat[i], _beats[i]))
                    {
                        _sent++;
                    }
                }
                lastSend = Stopwatch.GetTimestamp();
            }
            for (var i = 0; i < _heartbeat.Length; i++)
            {
                var got = Drain(i);
                if (got > 0 && !answered[i])
                {
                    answered[i] = true;
                    missing--;
                }
            }
            Thread.Sleep(10);
        }
        return missing == 0;
    }

    private void Beat()
    {
        var start = Stopwatch.GetTimestamp();
        var perPeer = _interval.TotalSeconds / _heartbeat.Length;
        long slot = 0;
        while (!_stop)
        {
            // Peer (slot % n) is due at start + slot × interval/n.
            var due = start + (long)(slot * perPeer * Stopwatch.Frequency);
            if (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(1);
                continue;
            }
            var i = (int)(slot % _heartbeat.Length);
            Drain(i);
            if (Sockets.TrySendNoCopy(_heartbeat[i], _beats[i]))
            {
                Interlocked.Increment(ref _sent);
            }
            slot++;
        }
        // Last replies: a slow router may still be working through a backlog; wait (bounded).
        var giveUp = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        do
        {
            Thread.Sleep(50);
            for (var i = 0; i < _heartbeat.Length; i++)
            {
                Drain(i);
            }
        }
        while (Replies < Sent && Stopwatch.GetTimestamp() < giveUp);
        foreach (var socket in _main)
        {
            socket.Dispose();
        }
        foreach (var socket in _heartbeat)
        {
            socket.Dispose();
        }
    }

    private int Drain(int i)
    {
        var n = 0;
        var msg = new Msg();
        while (true)
        {
            msg.InitEmpty();
            var got = Sockets.TryReceiveLast(_heartbeat[i], ref msg, TimeSpan.Zero);
            msg.Close();
            if (!got)
            {
                break;
            }
            n++;
        }
        Interlocked.Add(ref _replies, n);
        return n;
    }

    /// <summary>Stops heartbeating, counts the last replies and closes every socket (on the owning thread).</summary>
    public void Dispose()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(30));
    }
}
