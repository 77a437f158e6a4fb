using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// The receive → inspect (span) → forward loop on the binding allocates nothing per message.
/// Measured on the routing thread with GC.GetAllocatedBytesForCurrentThread, so other tests
/// running at the same time cannot disturb it. No timing is asserted.
/// </summary>
public sealed class ForwarderAllocationTests
{
    private const int Warmup = 5_000;
    private const int Measured = 20_000;
    private const int Window = 500;

    [LibZmqFact]
    public void Routing_loop_allocates_no_managed_bytes_per_message_in_steady_state()
    {
        using var forwarder = new LibZmqForwarder();
        using var context = ZmqContext.Create();
        using var receiver = ZmqKit.Dealer(context, "alloc-r", forwarder.Endpoint);
        using var sender = ZmqKit.Dealer(context, "alloc-s", forwarder.Endpoint);
        Ping(receiver, "alloc-r"); // both connected and known to the router before traffic
        Ping(sender, "alloc-s");
        var frame = Encoding.UTF8.GetBytes("""{"sender":"alloc-s","target":"alloc-r","method":"load","payload":{"seq":"0000000000","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"protocol_version":1}""");

        Route(forwarder, sender, receiver, frame, Warmup);
        WaitForCount(forwarder, Warmup); // the receiver has them all; the router counts each just after sending it
        var before = forwarder.RoutingThreadAllocatedBytes;
        Route(forwarder, sender, receiver, frame, Measured);
        WaitForCount(forwarder, Warmup + Measured);
        var allocated = forwarder.RoutingThreadAllocatedBytes - before;

        Assert.Equal(0, forwarder.Dropped);
        Assert.True(allocated == 0, $"the routing loop allocated {allocated} bytes over {Measured} messages ({allocated / (double)Measured:F3} per message)");
    }

    private static void WaitForCount(LibZmqForwarder forwarder, long routed)
    {
        var deadline = Environment.TickCount64 + ZmqKit.DeadlineMs;
        var spin = new SpinWait();
        while (forwarder.Routed != routed)
        {
            Assert.True(Environment.TickCount64 < deadline, $"the forwarder counted {forwarder.Routed} of {routed}");
            spin.SpinOnce();
        }
    }

    private static void Ping(ZmqSocket peer, string identity)
    {
        ZmqKit.Send(peer, $$"""{"sender":"{{identity}}","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1}""");
        Assert.Contains("\"pong\"", ZmqKit.Receive(peer)[0], StringComparison.Ordinal);
    }

    /// <summary>Keeps up to <see cref="Window"/> messages in flight until <paramref name="count"/> have arrived.</summary>
    private static void Route(LibZmqForwarder forwarder, ZmqSocket sender, ZmqSocket receiver, byte[] frame, int count)
    {
        using var block = new ZmqMsgBlock(1);
        using var poll = new ZmqPollSet(1);
        poll.Add(receiver, ZmqPollEvents.In);
        var deadline = Environment.TickCount64 + 60_000;
        var sent = 0;
        var received = 0;
        while (received < count)
        {
            Assert.True(Environment.TickCount64 < deadline, $"only {received} of {count} arrived (sent {sent}; forwarder: {forwarder})");
            // A DONTWAIT send may say EAGAIN with far fewer than the high-water mark queued: the
            // sender hears of the reader's progress in batches, and only every millisecond or so.
            // So a refused send is simply tried again on the next turn.
            while (sent < count && sent - received < Window && sender.Send(frame, ZmqFlags.DontWait) == ZmqError.None)
            {
                sent++;
            }
            if (poll.Poll(sent > received ? 100 : 1) == 0)
            {
                continue;
            }
            while (receiver.Receive(block[0], ZmqFlags.DontWait) == ZmqError.None)
            {
                received++;
            }
        }
    }
}
