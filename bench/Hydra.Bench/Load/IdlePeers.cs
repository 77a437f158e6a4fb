using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Load;

/// <summary>
/// Many connected peers that do nothing but heartbeat, as HydraMQ peers do: each has a
/// main and a heartbeat DEALER (NetMQ), on the schedule of <see cref="IdleFleet"/>.
/// </summary>
internal sealed class IdlePeers : IdleFleet, IDisposable
{
    private readonly DealerSocket[] _main;
    private readonly DealerSocket[] _heartbeat;
    private readonly byte[][] _beats;
    private readonly TimeSpan _interval;
    private Thread? _thread;
    private volatile bool _stop;

    private IdlePeers(int count, TimeSpan interval, int port, int heartbeatPort)
        : base(count)
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
            answered = peers.FirstRound(connectLimit) == count;
            ready.Set();
            peers.BeatUntilStopped();
        }) { IsBackground = true, Name = "idle peers" };
        thread.Start();
        ready.Wait();
        peers!._thread = thread;
        allAnswered = answered;
        return peers;
    }

    protected override bool TrySendHeartbeat(int peer) => Sockets.TrySendNoCopy(_heartbeat[peer], _beats[peer]);

    /// <summary>Beats until disposed, then closes every socket on this, their owning thread.</summary>
    private void BeatUntilStopped()
    {
        Beat(_interval, () => _stop);
        foreach (var socket in _main)
        {
            socket.Dispose();
        }
        foreach (var socket in _heartbeat)
        {
            socket.Dispose();
        }
    }

    protected override int ReceiveReplies(int peer)
    {
        var n = 0;
        var msg = new Msg();
        while (true)
        {
            msg.InitEmpty();
            var got = Sockets.TryReceiveLast(_heartbeat[peer], ref msg, TimeSpan.Zero);
            msg.Close();
            if (!got)
            {
                break;
            }
            n++;
        }
        return n;
    }

    /// <summary>Stops heartbeating, counts the last replies and closes every socket (on the owning thread).</summary>
    public void Dispose()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(30));
    }
}
