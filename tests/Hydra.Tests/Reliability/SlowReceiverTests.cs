using Hydra.Routing;
using Hydra.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>
/// A receiver that stops reading. Policy: once its queue at the router reaches the high-water
/// mark, the router answers each further message's sender with a <c>busy</c> error and counts it.
/// </summary>
public class SlowReceiverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_message_is_either_delivered_or_answered_busy_and_counted()
    {
        const int count = 2_000, payload = 16 * 1024;
        await using var router = TestRouter.Start(new RouterOptions { HighWatermark = 100 });
        using var flood = new Flood(router.Port);
        flood.Introduce();

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        flood.Send(count, payload, TimeSpan.FromSeconds(30));
        output.WriteLine($"sent in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        var delivered = flood.Drain(count, TimeSpan.FromSeconds(2));
        output.WriteLine($"drained at {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        flood.ReadRepliesUntil(() => delivered.Count + flood.Busy.Count >= count, TimeSpan.FromSeconds(10));

        output.WriteLine($"{count} sent: {delivered.Count} delivered, {flood.Busy.Count} answered busy; router counted {router.Stats.Errors.GetValueOrDefault(HydraErrorCode.Busy)} busy, {router.Stats.RepliesNotDelivered} replies not delivered");
        Assert.Empty(flood.OtherErrors);
        Assert.True(flood.Busy.Count > 0, "the flood must have filled the receiver's queue");
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Empty(delivered.Intersect(flood.Busy));
        Assert.Equal(Enumerable.Range(0, count), delivered.Concat(flood.Busy).Order()); // nothing lost silently
        Assert.Equal(delivered, delivered.Order()); // and what arrived came in order
        Assert.Equal(flood.Busy.Count, router.Stats.Errors[HydraErrorCode.Busy]);
        Assert.Equal(0, router.Stats.RepliesNotDelivered);
    }

    [Fact]
    public async Task The_router_process_memory_stays_bounded_while_a_receiver_does_not_read()
    {
        // The CLI router keeps the default high-water mark (10,000 messages per peer).
        var count = LongRun.Pick(100_000, 400_000);
        const int payload = 1024;
        await using var router = await RouterProcess.StartAsync();
        using var flood = new Flood(router.Port);
        flood.Introduce();
        var before = router.Stats();

        flood.Send(count, payload, TimeSpan.FromSeconds(120));
        var after = router.Stats();
        var delivered = flood.Drain(count, TimeSpan.FromSeconds(2));
        flood.ReadRepliesUntil(() => delivered.Count + flood.Busy.Count >= count, TimeSpan.FromSeconds(10));

        var offeredMiB = (long)count * payload / 1024.0 / 1024.0;
        output.WriteLine($"{count} x {payload} B offered ({offeredMiB:0} MiB) to a receiver that did not read: {delivered.Count} delivered, {flood.Busy.Count} answered busy");
        output.WriteLine($"router before: {before}; after the flood: {after}; peak growth {(after.PeakRssKiB - before.RssKiB) / 1024.0:0.0} MiB");
        Assert.Empty(flood.OtherErrors);
        Assert.Equal(Enumerable.Range(0, count), delivered.Concat(flood.Busy).Order());
        // Bounded by the high-water mark (about 10,000 x 1 KiB queued), not by what was offered.
        Assert.True(after.PeakRssKiB - before.RssKiB < offeredMiB * 1024 / 2, $"router grew by {(after.PeakRssKiB - before.RssKiB) / 1024} MiB for {offeredMiB:0} MiB offered");
    }
}
