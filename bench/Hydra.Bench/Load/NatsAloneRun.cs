using System.Buffers;
using System.Diagnostics;
using NATS.Client.Core;

namespace Hydra.Bench.Load;

/// <summary>
/// NATS alone, the reference for the cluster's "cross" path: what NATS.Net moves between two
/// connections (one publishing, one subscribing, as router A and router B each have one) through
/// the same nats-server, one NATS message per frame. Each pair publishes Hydra frames of the
/// load's size on a subject of its own, at most <c>window</c> in flight, so that nothing is
/// dropped; the subscriber checks order, gaps and duplicates by the frame's sequence number.
/// </summary>
internal static class NatsAloneRun
{
    private static readonly TimeSpan WaitStep = TimeSpan.FromMilliseconds(100);

    public static async Task<PairResult[]> RunAsync(string natsUrl, string name, int pairs, int size, int window, TimeSpan duration, TimeSpan drainLimit)
    {
        await using var publisher = Connect(natsUrl, $"{name} publisher");
        await using var subscriber = Connect(natsUrl, $"{name} subscriber");
        await publisher.ConnectAsync();
        await subscriber.ConnectAsync();
        var runs = new List<PairStream>();
        try
        {
            for (var i = 0; i < pairs; i++)
            {
                var stream = new PairStream(subscriber, $"bench.{name}.{i}", size, window);
                runs.Add(stream);
                await subscriber.AddSubAsync(stream);
            }
            await subscriber.PingAsync(); // answered: the server has every subscription
            var start = Stopwatch.GetTimestamp();
            var stopSending = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var threads = runs.Select(r => new Thread(() => r.Publish(publisher, stopSending)) { Name = "NATS alone publisher" }).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }
            foreach (var thread in threads)
            {
                thread.Join();
            }
            var giveUp = Stopwatch.GetTimestamp() + (long)(drainLimit.TotalSeconds * Stopwatch.Frequency);
            while (runs.Any(r => r.Window.Received < r.Window.Sent) && Stopwatch.GetTimestamp() < giveUp)
            {
                await Task.Delay(10); // the last messages on their way; polled with a deadline
            }
            return [.. runs.Select(r => r.Result(start))];
        }
        finally
        {
            foreach (var run in runs)
            {
                await run.DisposeAsync();
                run.Window.Dispose();
            }
        }
    }

    /// <summary>A connection as a router makes it: NATS.Net's buffers at the 1 MB the cluster uses (NatsFederation).</summary>
    public static NatsConnection Connect(string url, string name) => new(new NatsOpts
    {
        Url = url,
        Name = name,
        WriterBufferSize = 1024 * 1024,
        ReaderBufferSize = 1024 * 1024,
    });

    /// <summary>
    /// One pair: its publisher (a thread of its own) and its subscription. The subscription reads
    /// each message on NATS.Net's reader thread, without the channel and message object of NATS.Net's
    /// own subscriptions, as the cluster's routers read theirs.
    /// </summary>
    private sealed class PairStream(NatsConnection subscriber, string subject, int size, int window)
        : NatsSubBase(subscriber, subscriber.SubscriptionManager, subject, queueGroup: null, opts: null)
    {
        private readonly (byte[] Bytes, int SeqOffset) _frame = Frame(size);
        private long _expected;
        private long _gaps;
        private long _outOfOrder;
        private long _lastReceive;

        public InFlightWindow Window { get; } = new(window);

        public void Publish(NatsConnection nats, long stopSending)
        {
            while (Stopwatch.GetTimestamp() < stopSending)
            {
                if (!Window.HasRoom)
                {
                    Window.WaitForRoom(WaitStep);
                    continue;
                }
                Frames.WriteSeq(_frame.Bytes, _frame.SeqOffset, Window.Sent);
                // NATS.Net copies the frame into its write buffer; it returns unfinished only when it must
                // wait for room there, and the frame is not touched again until it has finished.
                var publish = nats.PublishAsync(Subject, _frame.Bytes);
                if (publish.IsCompletedSuccessfully)
                {
                    publish.GetAwaiter().GetResult();
                }
                else
                {
                    publish.AsTask().GetAwaiter().GetResult();
                }
                Window.OneSent();
            }
        }

        public PairResult Result(long start)
        {
            var received = Window.Received;
            var seconds = Stopwatch.GetElapsedTime(start, Volatile.Read(ref _lastReceive)).TotalSeconds;
            return new PairResult(Window.Sent, received, 0, _gaps, _outOfOrder, 0, seconds, null);
        }

        protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
        {
            Span<byte> digits = stackalloc byte[Frames.SeqDigits];
            payloadBuffer.Slice(_frame.SeqOffset, Frames.SeqDigits).CopyTo(digits);
            var seq = ParseDigits(digits);
            if (seq < _expected)
            {
                _outOfOrder++;
            }
            else
            {
                _gaps += seq - _expected;
                _expected = seq + 1;
            }
            Volatile.Write(ref _lastReceive, Stopwatch.GetTimestamp());
            Window.OneReceived();
            return default;
        }

        protected override void TryComplete()
        {
            // nothing buffered here: every message was counted as it came
        }

        /// <summary>Names as short as the C++ load generator's, so that the frames are as long as its (106 B at "100 B").</summary>
        private static (byte[], int) Frame(int size) => (Frames.Build("s1", "r1", size, out var seqOffset), seqOffset);

        private static long ParseDigits(ReadOnlySpan<byte> digits)
        {
            long value = 0;
            foreach (var b in digits)
            {
                value = (value * 10) + (b - '0');
            }
            return value;
        }
    }
}
