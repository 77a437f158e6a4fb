using System.Diagnostics;
using HdrHistogram;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Bench.Load;

/// <summary><see cref="LatencyRun"/> on libzmq: client → router → echo peer → router → client, one message in flight.</summary>
internal static class ZmqLatencyRun
{
    /// <param name="echoPort">The echo peer's router, when it is not the client's (a cluster); 0: the same.</param>
    public static LatencyResult Run(string name, int port, int size, int count, int warmup, TimeSpan limit, int echoPort = 0)
    {
        using var client = ZmqSockets.Dealer($"{name}-c", port);
        using var echo = ZmqSockets.Dealer($"{name}-e", echoPort == 0 ? port : echoPort);
        using var clientIn = ZmqSockets.PollFor(client, ZmqPollEvents.In);
        using var echoIn = ZmqSockets.PollFor(echo, ZmqPollEvents.In);
        using var clientOut = ZmqSockets.PollFor(client, ZmqPollEvents.Out);
        using var echoOut = ZmqSockets.PollFor(echo, ZmqPollEvents.Out);
        using var block = new ZmqMsgBlock(1);
        var msg = block[0];
        var request = Frames.Build($"{name}-c", $"{name}-e", size, out var requestSeq);
        if (!ZmqSockets.PingRouter(echo, Frames.Ping($"{name}-e"), TimeSpan.FromSeconds(5))
            || !ZmqSockets.PingRouter(client, Frames.Ping($"{name}-c"), TimeSpan.FromSeconds(5))
            || (echoPort != 0 && !ZmqSockets.Probe(client, echo, request, TimeSpan.FromSeconds(10))))
        {
            return new LatencyResult(0, 0, 0, 0, 0, count, 0);
        }
        var reply = Frames.Build($"{name}-e", $"{name}-c", size, out var replySeq);
        var histogram = new LongHistogram(10_000_000_000L, 3); // up to 10 s in ns
        long timeouts = 0, wrong = 0, recorded = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; i < warmup + count && Stopwatch.GetTimestamp() < deadline; i++)
        {
            Frames.WriteSeq(request, requestSeq, i);
            var start = Stopwatch.GetTimestamp();
            ZmqSockets.TrySend(client, request, clientOut, 2000);
            // The echo peer runs on this thread too: one message is in flight, so a second
            // thread would only add a context switch to every measurement on 2 cores.
            if (!ZmqSockets.TryReceiveLast(echo, msg, echoIn, 2000))
            {
                timeouts++;
                continue;
            }
            Frames.WriteSeq(reply, replySeq, Frames.ReadSeq(msg.Bytes));
            ZmqSockets.TrySend(echo, reply, echoOut, 2000);
            if (!ZmqSockets.TryReceiveLast(client, msg, clientIn, 2000))
            {
                timeouts++;
                continue;
            }
            var end = Stopwatch.GetTimestamp();
            if (Frames.ReadSeq(msg.Bytes) != i)
            {
                wrong++;
            }
            else if (i >= warmup)
            {
                histogram.RecordValue((long)((end - start) * (1e9 / Stopwatch.Frequency)));
                recorded++;
            }
        }
        double Us(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencyResult(recorded, Us(50), Us(90), Us(99), Us(99.9), timeouts, wrong);
    }
}
