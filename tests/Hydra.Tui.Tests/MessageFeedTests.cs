using Hydra.Routing;
using Hydra.Tui.Router;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Tests;

public sealed class MessageFeedTests
{
    private static RoutedMessage Ping(string from = "a", string to = "b") => new(DateTimeOffset.UnixEpoch, from, to, "ping", RouteOutcome.Forwarded);

    [Fact]
    public void A_trickle_is_listed_line_by_line_with_the_original_numbering()
    {
        var feed = new MessageFeed();
        feed.Add(Ping("HydraClient", "HydraServer"));
        feed.Add(new RoutedMessage(DateTimeOffset.UnixEpoch, "HydraServer", "HydraClient", "pong", RouteOutcome.Forwarded));

        var lines = feed.TakeLines().Select(l => l.Text).ToList();

        Assert.Equal(
            [
                "   1        HydraClient >        HydraServer : ping      ",
                "   2        HydraServer >        HydraClient : pong      ",
            ],
            lines);
        Assert.Empty(feed.TakeLines());
    }

    [Fact]
    public void A_burst_faster_than_a_person_reads_becomes_one_summary_line()
    {
        var feed = new MessageFeed();
        for (var i = 0; i < 100_000; i++)
        {
            feed.Add(Ping());
        }
        feed.Add(new RoutedMessage(DateTimeOffset.UnixEpoch, "x", "", "", RouteOutcome.Refused, HydraErrorCode.UnknownTarget));

        var lines = feed.TakeLines().Select(l => l.Text).ToList();

        var summary = Assert.Single(lines);
        Assert.Contains("100,001 messages #1–#100,001", summary, StringComparison.Ordinal);
        Assert.Contains("ping 100,000, refused unknown_target 1", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_heartbeats_are_counted_and_still_numbered()
    {
        var feed = new MessageFeed { ShowHeartbeats = false };
        feed.Add(new RoutedMessage(DateTimeOffset.UnixEpoch, "a", "HydraRouter", "heartbeat", RouteOutcome.Heartbeat));
        feed.Add(Ping());

        var line = Assert.Single(feed.TakeLines()).Text;

        Assert.StartsWith("   2 ", line, StringComparison.Ordinal);
        Assert.Equal(1, feed.HiddenHeartbeats);
    }

    [Fact]
    public void The_console_keeps_only_the_last_thousand_lines()
    {
        var lines = new ConsoleLines(1000);
        for (var i = 1; i <= 1500; i++)
        {
            lines.Add($"line {i}");
        }

        Assert.Equal(1000, lines.Rows.Count);
        Assert.Equal("line 501", lines.Rows[0]);
        Assert.Equal("line 1500", lines.Rows[^1]);
    }
}
