using Hydra.Routing;
using Hydra.Tui.Router;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Tests;

public sealed class RouterTotalsTests
{
    private static RouterTotals Busy() => new(
        new RouterStats(
            Received: 123_456_789,
            Routed: 98_765_432,
            Pongs: 1_234_567,
            Heartbeats: 7_654_321,
            Errors: new Dictionary<HydraErrorCode, long> { [HydraErrorCode.UnknownTarget] = 45_678, [HydraErrorCode.Busy] = 1_234 },
            RepliesNotDelivered: 0,
            Clients: 1_500),
        MessagesPerSecond: 87_654,
        TraceSkipped: 3_456_789);

    [Fact]
    public void On_a_wide_screen_every_counter_is_named_and_exact()
    {
        Assert.Equal(
            "87,654 msg/s │ received 123,456,789 │ routed 98,765,432 │ pongs 1,234,567 │ heartbeats 7,654,321 │ errors 46,912 (unknown_target 45,678, busy 1,234) │ clients 1,500 │ not in console 3,456,789",
            Busy().ToLine(200));
    }

    [Fact]
    public void After_hours_of_traffic_the_totals_still_fit_an_80_column_screen_on_one_line()
    {
        var line = Busy().ToLine(77); // 80 columns less the window's borders and margin

        Assert.True(TextFit.Columns(line) <= 77, line);
        Assert.StartsWith("87.7k msg/s │ recv 123.5M │ routed 98.8M │ err 46.9k │ clients 1,500", line, StringComparison.Ordinal);
    }
}
