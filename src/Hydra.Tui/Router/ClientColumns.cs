using System.Globalization;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Router;

/// <summary>
/// Which columns the Clients table shows, and how, for the room it has. The widest layout
/// that fits wins: all five columns as words; then "Seen" without "ago"; then without the
/// In and Out counts; at last identities shortened in the middle (HydraCl…3f9a1c), so
/// identity, status and last seen always show. In a cluster a Router column comes last, in every
/// layout (headed "At" in the narrowest).
/// </summary>
internal sealed class ClientColumns
{
    /// <summary>Where the status column is in every layout (it is coloured).</summary>
    public const int StatusColumn = 1;

    private const int ShortestIdentity = 8; // as wide as the header "Identity"

    private ClientColumns(Dictionary<string, Func<ClientInfo, object>> getters) => Getters = getters;

    /// <summary>Column header → cell text, in order: what the table source is built from.</summary>
    public Dictionary<string, Func<ClientInfo, object>> Getters { get; }

    /// <summary>Columns the table takes with its lines: one per column plus one.</summary>
    public int Width(IReadOnlyList<ClientInfo> clients) =>
        1 + Getters.Sum(column => 1 + clients.Select(c => TextFit.Columns(column.Value(c).ToString() ?? "")).Append(TextFit.Columns(column.Key)).Max());

    /// <summary>The widest layout of <paramref name="clients"/> within <paramref name="width"/> columns (0: not laid out yet, the widest).</summary>
    public static ClientColumns For(IReadOnlyList<ClientInfo> clients, int width)
    {
        var routers = clients.Any(c => c.Router is not null); // in a cluster: which router each is connected to
        var layouts = new[]
        {
            Make(int.MaxValue, longSeen: true, counts: true, routers),
            Make(int.MaxValue, longSeen: false, counts: true, routers),
            Make(int.MaxValue, longSeen: false, counts: false, routers),
        };
        if (width <= 0)
        {
            return layouts[0];
        }
        var fitting = layouts.FirstOrDefault(layout => layout.Width(clients) <= width);
        if (fitting is not null)
        {
            return fitting;
        }
        // With empty identities the column is as wide as its header; the rest is what the other columns take.
        var allButIdentities = Make(0, longSeen: false, counts: false, routers, narrow: true).Width(clients) - ShortestIdentity;
        return Make(Math.Max(ShortestIdentity, width - allButIdentities), longSeen: false, counts: false, routers, narrow: true);
    }

    /// <summary>Whether the In and Out counts are shown (they are right-aligned).</summary>
    public bool HasCounts => Getters.ContainsKey("In");

    private static ClientColumns Make(int identityWidth, bool longSeen, bool counts, bool routers, bool narrow = false)
    {
        var getters = new Dictionary<string, Func<ClientInfo, object>>
        {
            ["Identity"] = c => TextFit.Shorten(c.Identity, identityWidth),
            ["Status"] = c => c.Status.ToLabel(),
        };
        if (longSeen)
        {
            getters["Last seen"] = c => FormatAgo(c.LastSeenAgo) + " ago";
        }
        else
        {
            getters["Seen"] = c => FormatAgo(c.LastSeenAgo);
        }
        if (counts)
        {
            getters["In"] = c => c.MessagesIn.ToString("N0", CultureInfo.InvariantCulture);
            getters["Out"] = c => c.MessagesOut.ToString("N0", CultureInfo.InvariantCulture);
        }
        if (routers)
        {
            getters[narrow ? "At" : "Router"] = c => c.Router ?? ""; // "At": where room is short, a shorter header
        }
        return new ClientColumns(getters);
    }

    private static string FormatAgo(TimeSpan ago) => ago.TotalSeconds switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalSeconds:0.0} s"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalSeconds:0} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalMinutes:0} min"),
    };
}
