using System.Text;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Routing.Internal;

namespace Hydra.Tests.Routing;

public class ClientTableTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    [Theory]
    [InlineData(0, ClientStatus.Good)]
    [InlineData(10, ClientStatus.Good)]
    [InlineData(10.5, ClientStatus.Ok)]
    [InlineData(15, ClientStatus.Ok)]
    [InlineData(15.5, ClientStatus.Bad)]
    public void Status_follows_the_originals_thresholds(double secondsSinceSeen, ClientStatus expected)
    {
        var clock = new ManualClock();
        var table = new ClientTable(clock, TimeSpan.FromMinutes(1), maxClients: 10);
        table.Touch("peer"u8);
        clock.Advance(TimeSpan.FromSeconds(secondsSinceSeen));
        Assert.Equal(expected, Assert.Single(new ClientRows(clock, Interval).Of(table.Members())).Status);
    }

    [Fact]
    public void A_peer_seen_after_the_rows_clock_was_read_shows_as_just_seen_not_negative()
    {
        // `hydra clients` printed "bob  GOOD  -0.0 s": its page is written off the routing thread,
        // which may touch a row after the page's clock was read.
        var clock = new ManualClock();
        var table = new ClientTable(clock, TimeSpan.FromMinutes(1), maxClients: 10);
        var rows = new ClientRows(clock, Interval);
        var now = rows.Now();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var entry = table.Touch("bob"u8)!;
        var row = rows.Row(entry, now);
        Assert.Equal(TimeSpan.Zero, row.LastSeenAgo);
        Assert.Equal(ClientStatus.Good, row.Status);
    }

    [Fact]
    public void Stale_clients_are_pruned_and_a_touch_brings_them_back()
    {
        var clock = new ManualClock();
        var table = new ClientTable(clock, TimeSpan.FromSeconds(30), maxClients: 10);
        table.Touch("gone"u8);
        table.Touch("alive"u8);
        clock.Advance(TimeSpan.FromSeconds(31));
        table.Touch("alive"u8);
        Assert.Equal(["gone"], table.Prune());
        Assert.Equal("alive", Assert.Single(new ClientRows(clock, Interval).Of(table.Members())).Identity);
    }

    [Fact]
    public void Binary_identities_show_as_hex_and_do_not_break_the_table()
    {
        var clock = new ManualClock();
        var table = new ClientTable(clock, TimeSpan.FromSeconds(30), maxClients: 10);
        table.Touch([0xff, 0xfe]);
        table.Touch([0x00, 0x6b, 0x8b, 0x45, 0x67]);
        Assert.Equal(["0x006b8b4567", "0xfffe"], new ClientRows(clock, Interval).Of(table.Members()).Select(c => c.Identity));
    }

    [Fact]
    public void Membership_is_handed_out_as_the_same_array_until_someone_joins_or_leaves()
    {
        var clock = new ManualClock();
        var table = new ClientTable(clock, TimeSpan.FromSeconds(30), maxClients: 10);
        table.Touch("a"u8);
        var first = table.Members();
        table.Touch("a"u8); // seen again: same members
        Assert.Same(first, table.Members());
        table.Touch("b"u8);
        Assert.Equal(2, table.Members().Length);
        clock.Advance(TimeSpan.FromSeconds(31));
        table.Prune();
        Assert.Empty(table.Members());
    }

    [Fact]
    public void A_full_table_refuses_new_clients_but_keeps_known_ones()
    {
        var table = new ClientTable(new ManualClock(), TimeSpan.FromSeconds(30), maxClients: 1);
        Assert.NotNull(table.Touch("first"u8));
        Assert.Null(table.Touch("second"u8));
        Assert.NotNull(table.Touch(Encoding.UTF8.GetBytes("first")));
    }
}
