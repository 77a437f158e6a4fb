using System.Diagnostics;
using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Transport;

namespace Hydra.Bench.Load;

/// <summary>What a HydraMQ peer sending as fast as it may achieved.</summary>
/// <param name="Busy">Sends refused by the peer (its queue towards the router was full).</param>
/// <param name="RouterBusy">Messages the router answered busy (the receiver's queue at the router was full).</param>
internal sealed record SenderResult(HydraTransport Transport, long Sent, long Received, long Busy, long RouterBusy, double Seconds)
{
    public bool Accounted => Received + Busy + RouterBusy == Sent;

    public double Rate => Received / Seconds;
}

/// <summary>
/// A HydraMQ peer (the library as users call it: <see cref="HydraMQ.SendAsync"/> for every
/// message) sending ~100 B messages through a router to a bare receiver that counts them.
/// At most <see cref="Window"/> sends are unfinished at a time; a send refused busy (the queue
/// towards the router is full) is counted and not delivered.
/// </summary>
internal static class HydraMQSender
{
    private const int Window = 1024;

    public static async Task<SenderResult> RunAsync(string name, int port, int heartbeatPort, HydraTransport transport, TimeSpan duration)
    {
        using var receiver = new Receiver(name, port);
        if (!receiver.Handshake())
        {
            return new SenderResult(transport, 0, 0, 0, 0, 1);
        }
        await using var peer = new HydraMQ(new HydraMQOptions
        {
            RouterAddress = "127.0.0.1", RouterPort = port, RouterHeartbeatPort = heartbeatPort, Identity = $"{name}-mq", Transport = transport,
            InboxCapacity = 10_000_000, // the router's busy answers wait here to be counted
            NetworkTimeout = TimeSpan.FromSeconds(10),
        });
        await peer.StartAsync();
        await peer.WaitUntilConnectedAsync();
        var message = peer.CreateMessage(receiver.Identity, "bench", new JsonObject { ["pad"] = new string('x', 16) }); // ~100 B as JSON
        receiver.Start();
        var pending = new Task[Window];
        long sent = 0, busy = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var slot = (int)(sent % Window);
            if (pending[slot] is { } earlier)
            {
                try
                {
                    await earlier.ConfigureAwait(false);
                }
                catch (HydraException e) when (e.Code == HydraErrorCode.Busy)
                {
                    busy++; // the queue towards the router was full: the router is the slower one for a moment
                }
            }
            pending[slot] = peer.SendAsync(message);
            sent++;
        }
        foreach (var task in pending.Where(t => t is not null))
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (HydraException e) when (e.Code == HydraErrorCode.Busy)
            {
                busy++;
            }
        }
        var routerBusy = 0L;
        var received = receiver.WaitFor(() => Interlocked.Read(ref routerBusy) + busy, sent, TimeSpan.FromSeconds(10), () => routerBusy += CountBusyReplies(peer));
        var seconds = receiver.LastArrival.TotalSeconds;
        return new SenderResult(transport, sent, received, busy, routerBusy, seconds);
    }

    /// <summary>The router's busy answers waiting in the peer's inbox now.</summary>
    private static long CountBusyReplies(HydraMQ peer)
    {
        var count = 0L;
        while (true)
        {
            try
            {
                using var nothingWaiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
                var reply = peer.ReceiveAsync(nothingWaiting.Token).GetAwaiter().GetResult();
                if (reply.IsError && (string?)reply.Payload["code"] == "busy")
                {
                    count++;
                }
            }
            catch (OperationCanceledException)
            {
                return count;
            }
        }
    }

    /// <summary>A libzmq DEALER that counts what arrives, on a thread of its own.</summary>
    private sealed class Receiver(string name, int port) : IDisposable
    {
        private readonly Hydra.Transport.LibZmq.Native.ZmqSocket _socket = ZmqSockets.Dealer($"{name}-sink", port);
        private readonly Stopwatch _clock = new();
        private Thread? _thread;
        private volatile bool _stop;
        private long _count;
        private long _lastTicks;

        public string Identity { get; } = $"{name}-sink";

        public TimeSpan LastArrival => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks));

        public bool Handshake() => ZmqSockets.PingRouter(_socket, Frames.Ping(Identity), TimeSpan.FromSeconds(10));

        public void Start()
        {
            _clock.Start();
            _thread = new Thread(Count) { IsBackground = true, Name = "HydraMQ sender's receiver" };
            _thread.Start();
        }

        private void Count()
        {
            using var poll = ZmqSockets.PollFor(_socket, Hydra.Transport.LibZmq.Native.ZmqPollEvents.In);
            using var block = new Hydra.Transport.LibZmq.Native.ZmqMsgBlock(1);
            while (!_stop)
            {
                if (ZmqSockets.TryReceiveLast(_socket, block[0], poll, 50))
                {
                    Interlocked.Increment(ref _count);
                    Interlocked.Exchange(ref _lastTicks, _clock.Elapsed.Ticks);
                }
            }
        }

        /// <summary>Waits until every message sent arrived or was refused (or the limit passed); returns how many arrived.</summary>
        public long WaitFor(Func<long> refused, long sent, TimeSpan limit, Action countRefusals)
        {
            var deadline = Stopwatch.StartNew();
            while (Interlocked.Read(ref _count) + refused() < sent && deadline.Elapsed < limit)
            {
                countRefusals();
                Thread.Sleep(10); // a benchmark's drain wait, not a test's synchronisation
            }
            _stop = true;
            _thread?.Join();
            return Interlocked.Read(ref _count);
        }

        public void Dispose()
        {
            _stop = true;
            _thread?.Join();
            _socket.Dispose();
        }
    }
}
