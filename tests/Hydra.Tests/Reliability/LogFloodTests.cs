using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using Hydra.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>A peer that floods the router and never reads its answers must not flood the router's log.</summary>
[Collection(AloneCollection.Name)]
public class LogFloodTests(ITestOutputHelper output)
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task Undeliverable_replies_are_all_counted_but_logged_at_a_bounded_rate(HydraTransport transport)
    {
        var log = new CapturedLog(LogLevel.Warning);
        await using var router = TestRouter.Start(transport, new RouterOptions { HighWatermark = 10, LoggerFactory = log });
        var mute = new DealerSocket();
        mute.Options.Identity = "mute"u8.ToArray();
        mute.Options.Linger = TimeSpan.Zero;
        mute.Options.ReceiveHighWatermark = 1;
        mute.Options.ReceiveBuffer = 4096;  // its kernel buffer fills quickly too
        mute.Options.SendHighWatermark = 0;
        mute.Connect($"tcp://127.0.0.1:{router.Port}");
        // Each one earns a bad_message reply that it never reads. 100,000 replies are ~20 MB: more
        // than the kernel's socket buffers can absorb once TCP has grown them (30,000 once all fit,
        // on libzmq in a clean-clone CI run, and no reply was ever undeliverable).
        for (var i = 0; i < 100_000; i++)
        {
            mute.SendFrame("not json");
        }

        // Not "until all 30,000 are read": once its replies back up, the router may stop reading
        // from this one connection (ZeroMQ flow control on a peer that never reads; on a busy
        // machine libzmq's can set in after a few hundred undeliverable replies). That is fine;
        // what matters is that every reply it could not deliver is counted and logged in bulk.
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(() => router.Stats.RepliesNotDelivered > 1000 || (router.Stats.RepliesNotDelivered > 0 && Stalled(router)), "replies to back up", TimeSpan.FromSeconds(60));
        mute.Dispose(); // the flood ends here: whatever the router still holds of it is answered into the void and counted
        // Each undeliverable reply is either logged on its own line or in a per-second summary: all accounted for.
        var notDelivered = await Eventually.ValueAsync(
            () => Task.FromResult(router.Stats.RepliesNotDelivered), count => Logged(log) == count, "the summary lines to account for every reply", TimeSpan.FromSeconds(60));
        var lines = log.Lines.Count(l => l.Contains("could not be delivered", StringComparison.Ordinal));
        var seconds = started.Elapsed.TotalSeconds;
        output.WriteLine($"{notDelivered} replies not delivered; {lines} log lines about them in {seconds:0.0} s");
        // At most 20 single lines and one summary a second, however many replies went undelivered.
        Assert.True(lines <= (Math.Ceiling(seconds) + 1) * 21, $"{lines} log lines in {seconds:0.0} s for {notDelivered} undeliverable replies");
        Assert.True(notDelivered < 1000 || lines < notDelivered / 10, $"{lines} log lines for {notDelivered} undeliverable replies");
    }

    private long _lastReceived = -1;
    private long _sameSince;

    /// <summary>True once the router has read nothing new from the flood for two seconds.</summary>
    private bool Stalled(RouterEngine router)
    {
        var received = router.Stats.Received;
        var now = Environment.TickCount64;
        if (received != _lastReceived)
        {
            (_lastReceived, _sameSince) = (received, now);
            return false;
        }
        return now - _sameSince >= 2000;
    }

    private static long Logged(CapturedLog log) => UndeliveredReplies.Count(log.Lines);
}
