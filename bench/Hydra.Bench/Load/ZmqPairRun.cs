using System.Diagnostics;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Bench.Load;

/// <summary>
/// <see cref="PairRun"/> on libzmq: one sender and one receiver on one thread, at most
/// <c>window</c> messages in flight, each numbered and compared byte for byte on arrival.
/// libzmq copies each frame on send, so a ring of frames is kept only to compare against.
/// </summary>
internal sealed class ZmqPairRun : IPairRun
{
    private const int SendBatch = 256;
    private readonly ZmqSocket _sender;
    private readonly ZmqSocket _receiver;
    private readonly ZmqPollSet _senderOut;
    private readonly ZmqPollSet _receiverIn;
    private readonly ZmqPollSet _senderIn;
    private readonly ZmqMsgBlock _msg = new(1);
    private readonly FrameRing _frames;
    private long _sent, _errors;
    private string? _firstError;

    /// <param name="receiverPort">The receiver's router, when it is not the sender's (a cluster); 0: the same.</param>
    public ZmqPairRun(string name, int port, int size, int window, bool byteExact, int receiverPort = 0)
    {
        SenderId = $"{name}-s";
        ReceiverId = $"{name}-r";
        _receiver = ZmqSockets.Dealer(ReceiverId, receiverPort == 0 ? port : receiverPort);
        _sender = ZmqSockets.Dealer(SenderId, port);
        _senderOut = ZmqSockets.PollFor(_sender, ZmqPollEvents.Out);
        _senderIn = ZmqSockets.PollFor(_sender, ZmqPollEvents.In);
        _receiverIn = ZmqSockets.PollFor(_receiver, ZmqPollEvents.In);
        _frames = new FrameRing(SenderId, ReceiverId, size, window, byteExact);
    }

    public string SenderId { get; }
    public string ReceiverId { get; }

    public bool Handshake(TimeSpan timeout) =>
        ZmqSockets.PingRouter(_receiver, Frames.Ping(ReceiverId), timeout) && ZmqSockets.PingRouter(_sender, Frames.Ping(SenderId), timeout);

    public bool ProbeThrough(TimeSpan timeout) => ZmqSockets.Probe(_sender, _receiver, Frames.Build(SenderId, ReceiverId, 50, out _), timeout);

    public PairResult Run(TimeSpan duration, TimeSpan drainLimit)
    {
        var start = Stopwatch.GetTimestamp();
        var stopSending = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var giveUp = stopSending + (long)(drainLimit.TotalSeconds * Stopwatch.Frequency);
        var lastReceive = start;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var sending = now < stopSending;
            if ((!sending && _frames.Received + _errors >= _sent) || now > giveUp)
            {
                break;
            }
            var sentNow = sending ? SendUpToWindow() : 0;
            var receivedNow = DrainReceiver(0);
            DrainSender();
            if (receivedNow > 0)
            {
                lastReceive = Stopwatch.GetTimestamp();
            }
            else if (sentNow == 0 && DrainReceiver(20) > 0)
            {
                lastReceive = Stopwatch.GetTimestamp(); // window full (or draining): block instead of spinning on 2 cores
            }
        }
        return new PairResult(_sent, _frames.Received, _errors, _frames.Gaps, _frames.OutOfOrder, _frames.Corrupt, Stopwatch.GetElapsedTime(start, lastReceive).TotalSeconds, _firstError);
    }

    private int SendUpToWindow()
    {
        var n = 0;
        while (n < SendBatch && _sent - _frames.Received < _frames.Window)
        {
            var frame = _frames.Stamp(_sent);
            if (!ZmqSockets.TrySend(_sender, frame, _senderOut))
            {
                break;
            }
            _sent++;
            n++;
        }
        return n;
    }

    private int DrainReceiver(int firstWaitMs)
    {
        var n = 0;
        var wait = firstWaitMs;
        while (n < SendBatch * 4 && ZmqSockets.TryReceiveLast(_receiver, _msg[0], _receiverIn, wait))
        {
            _frames.Check(_msg[0].Bytes);
            n++;
            wait = 0;
        }
        return n;
    }


    private void DrainSender()
    {
        while (ZmqSockets.TryReceiveLast(_sender, _msg[0], _senderIn, 0))
        {
            _errors++;
            _firstError ??= System.Text.Encoding.UTF8.GetString(_msg[0].Bytes);
        }
    }

    public void Dispose()
    {
        _senderOut.Dispose();
        _senderIn.Dispose();
        _receiverIn.Dispose();
        _sender.Dispose();
        _receiver.Dispose();
        _msg.Dispose();
    }
}
