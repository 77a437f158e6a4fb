using System.Diagnostics;

namespace Hydra.Bench.Load;

/// <summary>
/// Idle peers' heartbeat schedule, whatever their sockets (<see cref="IdlePeers"/> on NetMQ,
/// <see cref="ZmqIdlePeers"/> on Hydra's libzmq binding): every peer's heartbeat in turn, spread
/// evenly over the interval, and the replies counted. One thread owns every socket and calls all of this.
/// </summary>
internal abstract class IdleFleet(int count)
{
    private long _sent, _replies;

    /// <summary>How many peers.</summary>
    protected int Count { get; } = count;

    public long Sent => Interlocked.Read(ref _sent);
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Sends peer <paramref name="peer"/>'s heartbeat without waiting; false when it could not.</summary>
    protected abstract bool TrySendHeartbeat(int peer);

    /// <summary>Takes every reply waiting on peer <paramref name="peer"/>'s heartbeat socket; how many.</summary>
    protected abstract int ReceiveReplies(int peer);

    /// <summary>
    /// Heartbeats every peer not yet answered (again each second: an early one may precede its
    /// connection) until all have a reply or the limit passes; how many were answered.
    /// </summary>
    public int FirstRound(TimeSpan limit)
    {
        var answered = new bool[Count];
        var missing = Count;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var lastSend = 0L;
        while (missing > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            if (Stopwatch.GetElapsedTime(lastSend).TotalSeconds > 1)
            {
                for (var i = 0; i < Count; i++)
                {
                    if (!answered[i])
                    {
                        Send(i);
                    }
                }
                lastSend = Stopwatch.GetTimestamp();
            }
            for (var i = 0; i < Count; i++)
            {
                if (Drain(i) > 0 && !answered[i])
                {
                    answered[i] = true;
                    missing--;
                }
            }
            Thread.Sleep(10);
        }
        return Count - missing;
    }

    /// <summary>Peer (slot % n) is due at start + slot × interval/n; beats until <paramref name="stop"/>, then takes the last replies.</summary>
    public void Beat(TimeSpan interval, Func<bool> stop)
    {
        var start = Stopwatch.GetTimestamp();
        var perPeer = interval.TotalSeconds / Count;
        long slot = 0;
        while (!stop())
        {
            var due = start + (long)(slot * perPeer * Stopwatch.Frequency);
            if (Stopwatch.GetTimestamp() < due)
            {
                Thread.Sleep(1);
                continue;
            }
            var i = (int)(slot % Count);
            Drain(i);
            Send(i);
            slot++;
        }
        // Last replies: a slow router may still be working through a backlog (bounded wait).
        var giveUp = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        do
        {
            Thread.Sleep(50);
            for (var i = 0; i < Count; i++)
            {
                Drain(i);
            }
        }
        while (Replies < Sent && Stopwatch.GetTimestamp() < giveUp);
    }

    private void Send(int peer)
    {
        if (TrySendHeartbeat(peer))
        {
            Interlocked.Increment(ref _sent);
        }
    }

    private int Drain(int peer)
    {
        var n = ReceiveReplies(peer);
        Interlocked.Add(ref _replies, n);
        return n;
    }
}
