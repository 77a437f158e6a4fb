using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>ROUTER and DEALER sockets made with the binding, over tcp loopback.</summary>
public sealed class RouterDealerTests
{
    [LibZmqFact]
    public void Router_forwards_a_received_body_to_another_peer_without_copying_it()
    {
        using var context = ZmqContext.Create();
        using var router = ZmqKit.Router(context, out var endpoint, r => r.SetOption(ZmqSocketOption.RouterMandatory, true));
        using var alice = ZmqKit.Dealer(context, "alice", endpoint);
        using var bob = ZmqKit.Dealer(context, "bob", endpoint);
        ZmqKit.Send(bob, "hello");
        Assert.Equal(["bob", "hello"], ZmqKit.Receive(router)); // bob is connected and known

        var body = "to bob, " + new string('x', 200); // past libzmq's 33-byte in-place limit: a real buffer
        ZmqKit.Send(alice, body);
        using var frames = new ZmqMsgBlock(2);
        var identity = frames[0];
        var message = frames[1];
        Assert.Equal(ZmqError.None, router.Receive(identity, ZmqFlags.None));
        Assert.True(identity.More);
        Assert.Equal(ZmqError.None, router.Receive(message, ZmqFlags.None));
        Assert.Equal(("alice", body, false), (Encoding.UTF8.GetString(identity.Bytes), Encoding.UTF8.GetString(message.Bytes), message.More));

        Assert.Equal(ZmqError.None, router.Send("bob"u8, ZmqFlags.SendMore));
        Assert.Equal(ZmqError.None, router.Send(message, ZmqFlags.None));
        Assert.Equal(0, message.Size); // zmq_msg_send took the content: the message is empty again, nothing was copied out
        message.Close();                // and closing what is left is harmless

        Assert.Equal([body], ZmqKit.Receive(bob));
        ZmqKit.Send(bob, "and back");
        Assert.Equal(["bob", "and back"], ZmqKit.Receive(router));
    }

    [LibZmqFact]
    public void A_copy_shares_the_content_and_both_can_be_sent()
    {
        using var context = ZmqContext.Create();
        using var router = ZmqKit.Router(context, out var endpoint);
        using var alice = ZmqKit.Dealer(context, "alice", endpoint);
        using var bob = ZmqKit.Dealer(context, "bob", endpoint);
        ZmqKit.Send(alice, "hi");
        ZmqKit.Send(bob, "hi");
        ZmqKit.Receive(router);
        ZmqKit.Receive(router);

        using var frames = new ZmqMsgBlock(2);
        frames[0].InitCopy(Encoding.UTF8.GetBytes(new string('y', 100)));
        frames[1].CopyFrom(frames[0]);
        Assert.True(frames[0].IsShared && frames[1].IsShared, "zmq_msg_copy shares the buffer (a reference count)");
        Assert.Equal(ZmqError.None, router.Send("alice"u8, ZmqFlags.SendMore));
        Assert.Equal(ZmqError.None, router.Send(frames[0], ZmqFlags.None));
        Assert.Equal(ZmqError.None, router.Send("bob"u8, ZmqFlags.SendMore));
        Assert.Equal(ZmqError.None, router.Send(frames[1], ZmqFlags.None));
        Assert.Equal([new string('y', 100)], ZmqKit.Receive(alice));
        Assert.Equal([new string('y', 100)], ZmqKit.Receive(bob));
    }

    [LibZmqFact]
    public void Router_mandatory_refuses_an_unknown_identity_with_host_unreachable()
    {
        using var context = ZmqContext.Create();
        using var router = ZmqKit.Router(context, out _, r => r.SetOption(ZmqSocketOption.RouterMandatory, true));
        // Write-only in 4.3.4 (EINVAL on read): also checks that errno survives the trip back into .NET.
        Assert.Equal(ZmqError.InvalidArgument, Assert.Throws<ZmqException>(() => router.GetInt(ZmqSocketOption.RouterMandatory)).Error);
        Assert.Equal(ZmqError.HostUnreachable, router.Send("nobody"u8, ZmqFlags.SendMore | ZmqFlags.DontWait));

        using var lenient = ZmqKit.Router(context, out _);
        Assert.Equal(ZmqError.None, lenient.Send("nobody"u8, ZmqFlags.SendMore | ZmqFlags.DontWait)); // the default: dropped silently
        Assert.Equal(ZmqError.None, lenient.Send("lost"u8, ZmqFlags.None));
    }

    [LibZmqFact]
    public void A_full_high_water_mark_gives_again_with_dontwait_and_clears_when_the_peer_reads()
    {
        const int Hwm = 4;
        using var context = ZmqContext.Create();
        using var router = ZmqKit.Router(context, out var endpoint, r =>
        {
            r.SetOption(ZmqSocketOption.RouterMandatory, true); // without it a full ROUTER drops instead of saying so
            r.SetOption(ZmqSocketOption.SendHighWaterMark, Hwm);
            r.SetOption(ZmqSocketOption.SendBuffer, 16 * 1024);
        });
        using var slow = ZmqKit.Dealer(context, "slow", endpoint, d =>
        {
            d.SetOption(ZmqSocketOption.ReceiveHighWaterMark, Hwm);
            d.SetOption(ZmqSocketOption.ReceiveBuffer, 16 * 1024);
        });
        ZmqKit.Send(slow, "here");
        ZmqKit.Receive(router);

        // The peer reads nothing: its queue, both kernel buffers, then the router's queue fill up.
        var frame = new byte[16 * 1024];
        var sent = 0;
        var deadline = Environment.TickCount64 + ZmqKit.DeadlineMs;
        ZmqError error;
        while ((error = SendTo(router, "slow"u8, frame)) == ZmqError.None)
        {
            sent++;
            Assert.True(Environment.TickCount64 < deadline, $"still no EAGAIN after {sent} frames");
        }
        Assert.Equal(ZmqError.Again, error);
        Assert.InRange(sent, Hwm, 10_000);

        // EAGAIN means busy, not gone: once the peer has read, the same send goes through (libzmq
        // re-opens the queue asynchronously, when the router's I/O thread reports progress).
        for (var i = 0; i < sent; i++)
        {
            Assert.Equal(frame.Length, ZmqKit.Receive(slow)[0].Length);
        }
        deadline = Environment.TickCount64 + ZmqKit.DeadlineMs;
        while ((error = SendTo(router, "slow"u8, frame)) == ZmqError.Again)
        {
            Assert.True(Environment.TickCount64 < deadline, "sending never resumed after the peer read everything");
        }
        Assert.Equal(ZmqError.None, error);
        Assert.Equal(frame.Length, ZmqKit.Receive(slow)[0].Length);
    }

    private static ZmqError SendTo(ZmqSocket router, ReadOnlySpan<byte> identity, byte[] frame)
    {
        var error = router.Send(identity, ZmqFlags.SendMore | ZmqFlags.DontWait);
        return error != ZmqError.None ? error : router.Send(frame, ZmqFlags.DontWait);
    }
}
