using System.Diagnostics;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Load;

/// <summary>One sender→receiver pair of the load generator (on NetMQ, or on libzmq: <see cref="ZmqPairRun"/>).</summary>
internal interface IPairRun : IDisposable
{
    string SenderId { get; }
    string ReceiverId { get; }

    /// <summary>Pings the router from both sockets until answered, so both are known before traffic starts.</summary>
    bool Handshake(TimeSpan timeout);

    /// <summary>
    /// Across a cluster: sends a probe until one reaches the receiver, so the receiver's router has
    /// claimed its identity everywhere before traffic starts (until then, sends are unknown_target).
    /// </summary>
    bool ProbeThrough(TimeSpan timeout);

    PairResult Run(TimeSpan duration, TimeSpan drainLimit);
}

/// <summary>What one sender→receiver pair saw.</summary>
internal sealed record PairResult(long Sent, long Received, long Errors, long Gaps, long OutOfOrder, long Corrupt, double Seconds, string? FirstError)
{
    /// <summary>Messages neither delivered nor answered with an error.</summary>
    public long Unaccounted => Sent - Received - Errors;
    public bool Clean => Unaccounted == 0 && Errors == 0 && Gaps == 0 && OutOfOrder == 0 && Corrupt == 0;
}

/// <summary>
/// One sender and one receiver, driven from one thread: the sender keeps at most
/// <c>window</c> messages in flight, each carries a sequence number, and the receiver checks
/// that they arrive complete, once each and in order. Both sockets belong to this thread.
/// </summary>
internal sealed class PairRun : IPairRun
{
    private const int SendBatch = 256;
    private readonly DealerSocket _sender;
    private readonly DealerSocket _receiver;
    private readonly FrameRing _frames;
    private long _sent, _errors;
    private string? _firstError;

    /// <param name="byteExact">The router forwards the bytes as sent (Hydra, raw), so every frame is compared
    /// whole with what was sent: pooled buffers must never hand out a frame still in use.</param>
    /// <param name="receiverPort">The receiver's router, when it is not the sender's (a cluster); 0: the same.</param>
    public PairRun(string name, int port, int size, int window, bool byteExact, int receiverPort = 0)
    {
        var senderId = SenderId = $"{name}-s";
        var receiverId = ReceiverId = $"{name}-r";
        _receiver = Sockets.Dealer(receiverId, receiverPort == 0 ? port : receiverPort);
        _sender = Sockets.Dealer(senderId, port);
        _frames = new FrameRing(senderId, receiverId, size, window, byteExact);
    }

    /// <summary>
    /// Pings the router from both sockets and waits for the answers, so both are connected and
    /// known to the router before traffic starts (otherwise the first messages have nowhere to go).
    /// </summary>
    public bool Handshake(TimeSpan timeout) =>
        Sockets.PingRouter(_receiver, Frames.Ping(ReceiverId), timeout) && Sockets.PingRouter(_sender, Frames.Ping(SenderId), timeout);

    public bool ProbeThrough(TimeSpan timeout) => Sockets.Probe(_sender, _receiver, Frames.Build(SenderId, ReceiverId, 50, out _), timeout);

    public string SenderId { get; }
    public string ReceiverId { get; }

    public PairResult Run(TimeSpan duration, TimeSpan drainLimit)
    {
        var start = Stopwatch.GetTimestamp();
        var stopSending = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var giveUp = stopSending + (long)(drainLimit.TotalSeconds * Stopwatch.Frequency);
        var lastReceive = start;
        var msg = new Msg();
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var sending = now < stopSending;
            if ((!sending && _frames.Received + _errors >= _sent) || now > giveUp)
            {
                break;
            }
            var sentNow = sending ? SendUpToWindow() : 0;
            var receivedNow = DrainReceiver(ref msg, TimeSpan.Zero);
            DrainSender(ref msg);
            if (receivedNow > 0)
            {
                lastReceive = Stopwatch.GetTimestamp();
            }
            else if (sentNow == 0 && DrainReceiver(ref msg, TimeSpan.FromMilliseconds(20)) > 0)
            {
                // Window full (or draining): block on the receiver instead of spinning on 2 cores.
                lastReceive = Stopwatch.GetTimestamp();
            }
        }
        return new PairResult(_sent, _frames.Received, _errors, _frames.Gaps, _frames.OutOfOrder, _frames.Corrupt,
            Stopwatch.GetElapsedTime(start, lastReceive).TotalSeconds, _firstError);
    }

    private int SendUpToWindow()
    {
        var n = 0;
        // Errors do not free a slot: the receiver sees messages in order, so once `received`
        // passes seq s, frame s is delivered or refused, and its ring slot may be rewritten.
        while (n < SendBatch && _sent - _frames.Received < _frames.Window)
        {
            var frame = _frames.Stamp(_sent);
            if (!Sockets.TrySendNoCopy(_sender, frame))
            {
                break;
            }
            _sent++;
            n++;
        }
        return n;
    }

    private int DrainReceiver(ref Msg msg, TimeSpan firstWait)
    {
        var n = 0;
        var wait = firstWait;
        while (n < SendBatch * 4)
        {
            msg.InitEmpty();
            if (!Sockets.TryReceiveLast(_receiver, ref msg, wait))
            {
                msg.Close();
                break;
            }
            if (!Frames.IsRouterPong(msg.Slice()))
            {
                _frames.Check(msg.Slice());
            }
            msg.Close();
            n++;
            wait = TimeSpan.Zero;
        }
        return n;
    }


    /// <summary>Anything the router sends the sender is an error reply (busy, unknown target, …).</summary>
    private void DrainSender(ref Msg msg)
    {
        while (true)
        {
            msg.InitEmpty();
            if (!Sockets.TryReceiveLast(_sender, ref msg, TimeSpan.Zero))
            {
                msg.Close();
                return;
            }
            if (!Frames.IsRouterPong(msg.Slice()))
            {
                _errors++;
                _firstError ??= System.Text.Encoding.UTF8.GetString(msg.Slice());
            }
            msg.Close();
        }
    }

    public void Dispose()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }
}
