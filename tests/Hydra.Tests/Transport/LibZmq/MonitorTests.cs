using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// How a router on libzmq 4.3.4 (no ZMQ_DISCONNECT_MSG) learns that a peer's connection
/// closed: the monitor's ACCEPTED and DISCONNECTED events carry the connection's fd, and every
/// message from that connection carries the same fd as ZMQ_SRCFD.
/// </summary>
public sealed class MonitorTests
{
    [LibZmqFact]
    public void Accepted_and_disconnected_carry_the_fd_that_messages_from_that_connection_carry()
    {
        using var context = ZmqContext.Create();
        using var router = ZmqSocket.Create(context, ZmqSocketType.Router);
        router.SetOption(ZmqSocketOption.ReceiveTimeout, ZmqKit.DeadlineMs);
        using var monitor = new ZmqMonitor(context, router, ZmqMonitorEvents.Accepted | ZmqMonitorEvents.Disconnected);
        router.Bind("tcp://127.0.0.1:*");
        var endpoint = router.LastEndpoint;
        var seen = new List<ZmqMonitorEvent>();

        using var alice = ZmqKit.Dealer(context, "alice", endpoint);
        var aliceAccepted = monitor.WaitFor(ZmqMonitorEvents.Accepted, seen);
        using var bob = ZmqKit.Dealer(context, "bob", endpoint);
        var bobAccepted = monitor.WaitFor(ZmqMonitorEvents.Accepted, seen);
        Assert.NotEqual(aliceAccepted.Value, bobAccepted.Value);
        Assert.StartsWith("tcp://127.0.0.1:", aliceAccepted.Endpoint, StringComparison.Ordinal);

        ZmqKit.Send(alice, "from alice");
        ZmqKit.Send(bob, "from bob");
        var sourceFds = new Dictionary<string, int>();
        using (var frames = new ZmqMsgBlock(2))
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(ZmqError.None, router.Receive(frames[0], ZmqFlags.None));
                Assert.Equal(ZmqError.None, router.Receive(frames[1], ZmqFlags.None));
                sourceFds[Encoding.UTF8.GetString(frames[0].Bytes)] = frames[1].SourceFd;
                Assert.StartsWith("127.0.0.1", Encoding.UTF8.GetString(frames[1].PeerAddress), StringComparison.Ordinal);
            }
        }
        Assert.Equal(aliceAccepted.Value, sourceFds["alice"]);
        Assert.Equal(bobAccepted.Value, sourceFds["bob"]);

        alice.Dispose(); // the peer goes away (disposing twice at the end is harmless)
        var gone = monitor.WaitFor(ZmqMonitorEvents.Disconnected, seen);
        Assert.Equal(sourceFds["alice"], gone.Value); // so the router knows it was alice, not bob
        Assert.Equal(aliceAccepted.Endpoint, gone.Endpoint);
    }

    [LibZmqFact]
    public void Messages_built_in_process_have_no_source_fd()
    {
        using var frames = new ZmqMsgBlock(1);
        frames[0].InitCopy("local"u8);
        Assert.Equal(-1, frames[0].SourceFd);
        Assert.True(frames[0].UserId.IsEmpty);
    }
}
