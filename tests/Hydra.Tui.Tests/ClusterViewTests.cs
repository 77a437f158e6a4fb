using Hydra.Cluster;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Tui.Router;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Tests;

/// <summary>What the router app shows of a cluster: the totals line and the Router column.</summary>
public sealed class ClusterViewTests
{
    private static readonly RouterStats Stats = new(Received: 1_000, Routed: 900, Pongs: 10, Heartbeats: 50,
        Errors: new Dictionary<HydraErrorCode, long>(), RepliesNotDelivered: 0, Clients: 2);

    private static ClusterStats Cluster(bool available, params string[] down) => new("router-a", available, Routers: 3, SentToRouters: 400, ReceivedFromRouters: 350,
        RefusedElsewhere: 0, NotConfirmed: 0, Resent: 0, Server: available ? "127.0.0.1:4222" : null,
        Links: [.. down.Select(router => new LinkStats(router, ClusterLinkState.Down, TimeSpan.FromSeconds(3), "silent", 0, 0, 0, 0, 0, 0, 0, 0))]);

    [Fact]
    public void The_totals_count_messages_to_and_from_other_routers_and_how_many_routers_there_are()
    {
        var line = new RouterTotals(Stats, 12, 0, Cluster(available: true)).ToLine(200);
        Assert.Equal("12 msg/s │ received 1,000 │ routed 900 │ routers 3 │ to routers 400 │ from routers 350 │ pongs 10 │ heartbeats 50 │ errors 0 │ clients 2", line);
    }

    [Fact]
    public void Routers_out_of_reach_are_named_even_on_an_80_column_screen()
    {
        Assert.Contains("│ routers 3 │ UNREACHABLE router-c,router-d │", new RouterTotals(Stats, 12, 0, Cluster(true, "router-c", "router-d")).ToLine(200), StringComparison.Ordinal);
        var narrow = new RouterTotals(Stats with { Received = 123_456_789 }, 87_654, 0, Cluster(true, "router-c")).ToLine(77);
        Assert.True(TextFit.Columns(narrow) <= 77, narrow);
        Assert.Contains("DOWN router-c", narrow, StringComparison.Ordinal);
    }

    [Fact]
    public void A_router_that_lost_the_cluster_says_so_even_on_an_80_column_screen()
    {
        var line = new RouterTotals(Stats with { Received = 123_456_789 }, 87_654, 0, Cluster(available: false)).ToLine(77);
        Assert.True(TextFit.Columns(line) <= 77, line);
        Assert.Contains("NO CLUSTER", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_of_a_cluster_get_a_Router_column_in_every_layout()
    {
        ClientInfo[] rows =
        [
            new("alice", ClientStatus.Good, TimeSpan.FromSeconds(1), 5, 6, true, "router-a"),
            new("bob", ClientStatus.Ok, TimeSpan.FromSeconds(12), 7, 8, true, "router-b"),
        ];
        foreach (var width in new[] { 0, 80, 40, 20 })
        {
            var columns = ClientColumns.For(rows, width);
            var router = columns.Getters.Keys.Last();
            Assert.Contains(router, new[] { "Router", "At" });
            Assert.Equal("router-b", columns.Getters[router](rows[1]));
        }
        ClientInfo[] shortNames = [rows[0] with { Router = "east" }, rows[1] with { Router = "west" }];
        Assert.True(ClientColumns.For(shortNames, 28).Width(shortNames) <= 28, "with short router names the narrowest layout fits the Clients box of an 80-column screen");
        Assert.DoesNotContain("Router", ClientColumns.For([rows[0] with { Router = null }], 80).Getters.Keys);
    }
}
