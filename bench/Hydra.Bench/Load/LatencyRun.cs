using System.Diagnostics;
using HdrHistogram;
using NetMQ;

namespace Hydra.Bench.Load;

/// <summary>Round-trip percentiles in microseconds, and what went missing.</summary>
internal sealed record LatencyResult(long Count, double P50, double P90, double P99, double P999, long Timeouts, long WrongReplies)
{
    public bool Clean => Timeouts == 0 && WrongReplies == 0 && Count > 0;
}

/// <summary>
/// Request and reply through the router: a client sends to an echo peer, which answers the
/// client through the router again; one request in flight at a time. Timed with Stopwatch,
/// recorded in an HdrHistogram (nanoseconds, 3 significant digits).
/// </summary>
internal static class LatencyRun
{
    /// <param name="echoPort">The echo peer's router, when it is not the client's (a cluster); 0: the same.</param>
    public static LatencyResult Run(string name, int port, int size, int count, int warmup, TimeSpan limit, int echoPort = 0)
    {
        using var client = Sockets.Dealer($"{name}-c", port);
        using var echo = Sockets.Dealer($"{name}-e", echoPort == 0 ? port : echoPort);
        var request = Frames.Build($"{name}-c", $"{name}-e", size, out var requestSeq);
        if (!Sockets.PingRouter(echo, Frames.Ping($"{name}-e"), TimeSpan.FromSeconds(5))
            || !Sockets.PingRouter(client, Frames.Ping($"{name}-c"), TimeSpan.FromSeconds(5))
            || (echoPort != 0 && !Sockets.Probe(client, echo, request, TimeSpan.FromSeconds(10))))
        {
            return new LatencyResult(0, 0, 0, 0, 0, count, 0);
        }
        var reply = Frames.Build($"{name}-e", $"{name}-c", size, out var replySeq);
        var histogram = new LongHistogram(10_000_000_000L, 3); // up to 10 s in ns
        long timeouts = 0, wrong = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var msg = new Msg();
        var recorded = 0L;
        for (var i = 0; i < warmup + count && Stopwatch.GetTimestamp() < deadline; i++)
        {
            Frames.WriteSeq(request, requestSeq, i);
            var start = Stopwatch.GetTimestamp();
            Sockets.TrySendNoCopy(client, request);
            // The echo peer runs on this thread too: one message is in flight, so a second
            // thread would only add a context switch to every measurement on 2 cores.
            msg.InitEmpty();
            if (!Sockets.TryReceiveLast(echo, ref msg, TimeSpan.FromSeconds(2)))
            {
                msg.Close();
                timeouts++;
                continue;
            }
            Frames.WriteSeq(reply, replySeq, Frames.ReadSeq(msg.Slice()));
            msg.Close();
            Sockets.TrySendNoCopy(echo, reply);
            msg.InitEmpty();
            if (!Sockets.TryReceiveLast(client, ref msg, TimeSpan.FromSeconds(2)))
            {
                msg.Close();
                timeouts++;
                continue;
            }
            var end = Stopwatch.GetTimestamp();
            if (Frames.ReadSeq(msg.Slice()) != i)
            {
                wrong++;
            }
            else if (i >= warmup)
            {
                histogram.RecordValue((long)((end - start) * (1e9 / Stopwatch.Frequency)));
                recorded++;
            }
            msg.Close();
        }
        double Us(double percentile) => histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencyResult(recorded, Us(50), Us(90), Us(99), Us(99.9), timeouts, wrong);
    }
}
