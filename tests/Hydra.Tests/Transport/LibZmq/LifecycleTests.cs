using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>Polling, and stopping: how a routing thread waits, and how it is told to finish.</summary>
public sealed class LifecycleTests
{
    [LibZmqFact]
    public void Poll_set_reports_which_socket_is_readable()
    {
        using var context = ZmqContext.Create();
        using var router = ZmqKit.Router(context, out var endpoint);
        using var quiet = ZmqKit.Router(context, out _);
        using var peer = ZmqKit.Dealer(context, "peer", endpoint);
        using var poll = new ZmqPollSet(2);
        var busy = poll.Add(router, ZmqPollEvents.In);
        var idle = poll.Add(quiet, ZmqPollEvents.In);
        Assert.Equal(0, poll.Poll(0)); // nothing yet: returns at once

        ZmqKit.Send(peer, "wake up");
        Assert.Equal(1, poll.Poll(ZmqKit.DeadlineMs));
        Assert.True(poll.IsReadable(busy));
        Assert.Equal(ZmqPollEvents.None, poll.Ready(idle));
        Assert.Equal(["peer", "wake up"], ZmqKit.Receive(router));
    }

    [LibZmqFact]
    public void Context_shutdown_wakes_a_thread_blocked_in_receive_with_terminated()
    {
        var context = ZmqContext.Create();
        var result = ZmqError.None;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            using var socket = ZmqSocket.Create(context, ZmqSocketType.Router); // no receive timeout: blocks until told
            socket.Bind("tcp://127.0.0.1:*");
            using var frames = new ZmqMsgBlock(1);
            started.Set();
            result = socket.Receive(frames[0], ZmqFlags.None);
        });
        thread.Start();
        Assert.True(started.Wait(ZmqKit.DeadlineMs));

        context.Dispose(); // shuts down first (does not block), terminates once the thread closed its socket
        Assert.True(thread.Join(ZmqKit.DeadlineMs), "the blocked receive did not return");
        Assert.Equal(ZmqError.Terminated, result);
        Assert.True(context.IsClosed);
    }
}
