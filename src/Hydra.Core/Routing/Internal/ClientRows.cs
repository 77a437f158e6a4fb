using Hydra.Protocol;

namespace Hydra.Routing.Internal;

/// <summary>
/// Turns the table's members into rows, off the routing thread: sorted by identity (the order is
/// kept while the members stay the same), with status and last-seen as of the moment of reading.
/// </summary>
internal sealed class ClientRows(TimeProvider time, TimeSpan heartbeatInterval)
{
    private readonly Lock _gate = new();
    private ClientEntry[]? _sortedFrom;
    private ClientEntry[] _sorted = [];

    /// <summary>The time to read rows at (the router's clock).</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>The members in identity order (sorted once per change of membership).</summary>
    public ClientEntry[] Sorted(ClientEntry[] members)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(members, _sortedFrom))
            {
                var sorted = (ClientEntry[])members.Clone();
                Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.DisplayName, b.DisplayName));
                (_sortedFrom, _sorted) = (members, sorted);
            }
            return _sorted;
        }
    }

    /// <summary>Every member as a row, sorted by identity.</summary>
    public IReadOnlyList<ClientInfo> Of(ClientEntry[] members)
    {
        var sorted = Sorted(members);
        var now = Now();
        var rows = new ClientInfo[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            rows[i] = Row(sorted[i], now);
        }
        return rows;
    }

    /// <summary>How many members are GOOD, OK and BAD now (for the client gauge; nothing is allocated per member).</summary>
    public ClientStatusCounts CountByStatus(ClientEntry[] members)
    {
        var now = Now();
        int good = 0, ok = 0, bad = 0;
        foreach (var entry in members)
        {
            switch (ClientStatusRule.Of(time.GetElapsedTime(entry.LastSeenTimestamp, now), heartbeatInterval))
            {
                case ClientStatus.Good: good++; break;
                case ClientStatus.Ok: ok++; break;
                default: bad++; break;
            }
        }
        return new(good, ok, bad);
    }

    public ClientInfo Row(ClientEntry entry, long now)
    {
        // Rows are read off the routing thread, which may have seen the peer since `now` was read.
        var ago = TimeSpan.FromTicks(Math.Max(0, time.GetElapsedTime(entry.LastSeenTimestamp, now).Ticks));
        return new ClientInfo(entry.DisplayName, ClientStatusRule.Of(ago, heartbeatInterval), ago, entry.MessagesIn, entry.MessagesOut, entry.Connected);
    }
}
