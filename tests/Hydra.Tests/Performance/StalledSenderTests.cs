using System.Text;
using Hydra.Routing;
using Xunit;

namespace Hydra.Tests.Performance;

/// <summary>
/// The router waits briefly for room before giving up on an error reply (so bursts of refusals
/// reach senders that do read). A peer that never reads its replies must not turn that wait
/// into a stall for everyone: once one of its replies is given up on, it is not waited for again.
/// </summary>
public sealed class StalledSenderTests
{
    private const int Flood = 100_000;
    private const int AfterStall = 2_000;
    private const int Pings = 1_000;

    [Fact]
    public async Task Sender_that_never_reads_its_errors_does_not_stall_the_router()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var router = new RouterEngine(new RouterOptions { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0, HighWatermark = 10 });
        router.Start();
        using var flooder = new PerfPeer("stall-flooder", router.Port, receiveHighWatermark: 10);
        using var bystander = new PerfPeer("stall-bystander", router.Port);
        flooder.Register(deadline.Token);
        bystander.Register(deadline.Token);

        // Every one of these is refused (unknown target); the flooder never reads the errors,
        // so its queue and its connection's buffers fill up and later replies cannot be queued.
        var frame = Encoding.UTF8.GetBytes($"{{\"sender\":\"{flooder.Identity}\",\"target\":\"nobody\",\"method\":\"x\",\"payload\":{{}},\"protocol_version\":1}}");
        for (var i = 0; i < Flood && router.Stats.RepliesNotDelivered == 0; i++)
        {
            deadline.Token.ThrowIfCancellationRequested();
            flooder.TrySend(frame, TimeSpan.FromMilliseconds(100));
        }
        await Eventually(() => router.Stats.Received >= Flood || router.Stats.RepliesNotDelivered > 0, deadline.Token);
        Assert.True(router.Stats.RepliesNotDelivered > 0, "the flooder's queue never filled: the scenario was not reached");
        for (var i = 0; i < AfterStall && !deadline.IsCancellationRequested; i++)
        {
            flooder.TrySend(frame, TimeSpan.FromMilliseconds(100));
        }

        // Everyone else is still served. The router takes one message from each peer in turn, so
        // were it to wait 50 ms for each of the flooder's undeliverable replies, every one of the
        // bystander's pings would also wait 50 ms: 1,000 pings would take 50 s, not milliseconds.
        var ping = Encoding.UTF8.GetBytes($"{{\"sender\":\"{bystander.Identity}\",\"target\":\"HydraRouter\",\"method\":\"ping\",\"payload\":{{}},\"protocol_version\":1}}");
        using var promptly = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        promptly.CancelAfter(TimeSpan.FromSeconds(20));
        var pongs = 0;
        for (var i = 0; i < Pings; i++)
        {
            Assert.True(bystander.TrySend(ping, TimeSpan.FromSeconds(1)));
        }
        while (pongs < Pings && !promptly.IsCancellationRequested)
        {
            using var reply = bystander.TryReceive(TimeSpan.FromMilliseconds(100));
            if (reply?.RootElement.GetProperty("method").GetString() == "pong")
            {
                pongs++;
            }
        }
        Assert.Equal(Pings, pongs);
    }

    private static async Task Eventually(Func<bool> condition, CancellationToken deadline)
    {
        while (!condition())
        {
            await Task.Delay(20, deadline);
        }
    }
}
