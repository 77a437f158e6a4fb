using System.Diagnostics;
using NATS.Client.Core;

namespace Hydra.Bench.Load;

/// <summary>
/// NATS alone, round trip: a NATS.Net request from one connection, answered by a responder on
/// another through the same nats-server, one request in flight; the reference for the cluster's
/// cross-router round trip (client on router A, echo peer on router B).
/// </summary>
internal static class NatsAloneRoundTrip
{
    public static async Task<LatencyResult> RunAsync(string natsUrl, string name, int size, int count, int warmup)
    {
        await using var requester = NatsAloneRun.Connect(natsUrl, $"{name} requester");
        await using var responder = NatsAloneRun.Connect(natsUrl, $"{name} responder");
        await requester.ConnectAsync();
        await responder.ConnectAsync();
        var subject = $"bench.{name}.echo";
        using var stop = new CancellationTokenSource();
        await using var echo = await responder.SubscribeCoreAsync<byte[]>(subject, cancellationToken: stop.Token);
        var answering = AnswerAsync(echo, stop.Token);
        await responder.PingAsync(); // answered: the server has the subscription
        var request = Frames.Build("c1", "e1", size, out var seqOffset);
        var micros = new List<double>(count);
        long timeouts = 0, wrong = 0;
        for (var i = 0; i < warmup + count; i++)
        {
            Frames.WriteSeq(request, seqOffset, i);
            var start = Stopwatch.GetTimestamp();
            NatsMsg<byte[]> reply;
            try
            {
                reply = await requester.RequestAsync<byte[], byte[]>(subject, request, replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            }
            catch (NatsException)
            {
                timeouts++; // no reply within 5 s (or no responder): counted, the run is not clean
                continue;
            }
            var end = Stopwatch.GetTimestamp();
            if (reply.Data is not { } answer || Frames.ReadSeq(answer) != i)
            {
                wrong++;
            }
            else if (i >= warmup)
            {
                micros.Add(Stopwatch.GetElapsedTime(start, end).TotalMicroseconds);
            }
        }
        await stop.CancelAsync();
        await answering.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        micros.Sort();
        return new LatencyResult(micros.Count, Percentile(micros, 0.50), Percentile(micros, 0.90), Percentile(micros, 0.99), Percentile(micros, 0.999), timeouts, wrong);
    }

    /// <summary>Answers every request with its own bytes.</summary>
    private static async Task AnswerAsync(INatsSub<byte[]> requests, CancellationToken stop)
    {
        await foreach (var request in requests.Msgs.ReadAllAsync(stop))
        {
            await request.ReplyAsync(request.Data, cancellationToken: stop);
        }
    }

    /// <summary>As the C++ load generator takes it: the value at rank q × n of the sorted samples.</summary>
    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
}
