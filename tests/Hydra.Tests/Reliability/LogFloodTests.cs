using Hydra.Routing;
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
    [Fact]
    public async Task Undeliverable_replies_are_all_counted_but_logged_at_a_bounded_rate()
    {
        var log = new CapturedLog(LogLevel.Warning);
        await using var router = TestRouter.Start(new RouterOptions { HighWatermark = 10, LoggerFactory = log });
        using var mute = new DealerSocket();
        mute.Options.Identity = "mute"u8.ToArray();
        mute.Options.Linger = TimeSpan.Zero;
        mute.Options.ReceiveHighWatermark = 1;
        mute.Options.ReceiveBuffer = 4096;  // its kernel buffer fills quickly too
        mute.Options.SendHighWatermark = 0;
        mute.Connect($"tcp://127.0.0.1:{router.Port}");
        for (var i = 0; i < 30_000; i++)
        {
            mute.SendFrame("not json"); // each one earns a bad_message reply that it never reads
        }

        await Eventually.TrueAsync(() => router.Stats.Received >= 30_000, "the flood to be read", TimeSpan.FromSeconds(90));
        var notDelivered = router.Stats.RepliesNotDelivered;
        Assert.True(notDelivered > 1000, $"only {notDelivered} replies were undeliverable; the flood did not fill the queue");
        // Each undeliverable reply is either logged on its own line or in a per-second summary: all accounted for.
        await Eventually.TrueAsync(() => Logged(log) == notDelivered, "the summary lines", TimeSpan.FromSeconds(5));
        var lines = log.Lines.Count(l => l.Contains("could not be delivered", StringComparison.Ordinal));
        output.WriteLine($"{notDelivered} replies not delivered; {lines} log lines about them");
        Assert.True(lines < notDelivered / 10, $"{lines} log lines for {notDelivered} undeliverable replies");
    }

    private static long Logged(CapturedLog log) => UndeliveredReplies.Count(log.Lines);
}
