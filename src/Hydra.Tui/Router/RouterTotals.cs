using System.Globalization;
using Hydra.Routing;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Router;

/// <summary>The router's counters as of one moment, with the message rate over the last second.</summary>
/// <param name="Stats">The engine's counters.</param>
/// <param name="MessagesPerSecond">Messages received per second, both ports.</param>
/// <param name="TraceSkipped">Messages the console never saw because it was behind (routing was not slowed).</param>
/// <param name="Cluster">In a cluster: messages sent to and received from the other routers, and whether they can be reached.</param>
internal sealed record RouterTotals(RouterStats Stats, double MessagesPerSecond, long TraceSkipped, Hydra.Cluster.ClusterStats? Cluster = null)
{
    private const string Separator = " │ ";

    /// <summary>
    /// The one live line of totals under the configuration, in at most <paramref name="width"/>
    /// columns (0: no limit). The fullest form that fits wins: every word and the errors by
    /// code; then without the errors by code (the console shows each refusal's code); then
    /// short words; then numbers such as 12.3k; then without pongs and heartbeats (the
    /// router's own answers); at last cut with "…". It never wraps.
    /// </summary>
    public string ToLine(int width = 0)
    {
        string[] forms =
        [
            Join(Words.Long, exact: true, errorCodes: true),
            Join(Words.Long, exact: true, errorCodes: false),
            Join(Words.Short, exact: true, errorCodes: false),
            Join(Words.Short, exact: false, errorCodes: false),
            Join(Words.Short, exact: false, errorCodes: false, answers: false),
        ];
        if (width <= 0)
        {
            return forms[0];
        }
        return forms.FirstOrDefault(form => TextFit.Columns(form) <= width) ?? Cut(forms[^1], width);
    }

    private string Join(Words words, bool exact, bool errorCodes, bool answers = true)
    {
        string N(long n) => exact ? n.ToString("N0", CultureInfo.InvariantCulture) : Abbreviate(n);
        var errors = $"{words.Errors} {N(Stats.TotalErrors)}";
        if (errorCodes && Stats.TotalErrors > 0)
        {
            errors += " (" + string.Join(", ", Stats.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key.ToWire()} {N(e.Value)}")) + ")";
        }
        List<string> parts =
        [
            $"{N((long)Math.Round(MessagesPerSecond))} {words.Rate}",
            $"{words.Received} {N(Stats.Received)}",
            $"{words.Routed} {N(Stats.Routed)}",
        ];
        if (Cluster is { } cluster)
        {
            parts.Add(cluster.Available ? $"{words.Routers} {cluster.Routers}" : words.ClusterDown);
            if (cluster.Available && cluster.Links.Where(link => link.State == Hydra.Cluster.ClusterLinkState.Down).Select(link => link.Router).ToList() is { Count: > 0 } down)
            {
                parts.Add($"{words.Unreachable} {string.Join(",", down)}");
            }
            parts.Add($"{words.ToRouters} {N(cluster.SentToRouters)}");
            parts.Add($"{words.FromRouters} {N(cluster.ReceivedFromRouters)}");
        }
        if (answers)
        {
            parts.Add($"{words.Pongs} {N(Stats.Pongs)}");
            parts.Add($"{words.Heartbeats} {N(Stats.Heartbeats)}");
        }
        parts.Add(errors);
        parts.Add($"{words.Clients} {N(Stats.Clients)}");
        if (TraceSkipped > 0)
        {
            parts.Add($"{words.NotInConsole} {N(TraceSkipped)}");
        }
        return string.Join(Separator, parts);
    }

    /// <summary>1,234 → 1.2k, 5,600,000 → 5.6M: at most four characters and a letter.</summary>
    private static string Abbreviate(long n) => n switch
    {
        < 10_000 => n.ToString("N0", CultureInfo.InvariantCulture),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:0.#}k"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:0.#}M"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:0.#}G"),
    };

    private static string Cut(string line, int width) =>
        width <= 1 ? new string('…', Math.Max(0, width)) : line[..Math.Min(line.Length, width - 1)].TrimEnd() + "…";

    private sealed record Words(string Rate, string Received, string Routed, string Pongs, string Heartbeats, string Errors, string Clients, string NotInConsole,
        string Routers, string ClusterDown, string Unreachable, string ToRouters, string FromRouters)
    {
        public static readonly Words Long = new("msg/s", "received", "routed", "pongs", "heartbeats", "errors", "clients", "not in console",
            "routers", "CLUSTER UNAVAILABLE", "UNREACHABLE", "to routers", "from routers");
        public static readonly Words Short = new("msg/s", "recv", "routed", "pongs", "beats", "err", "clients", "skipped",
            "rtrs", "NO CLUSTER", "DOWN", "→rtr", "←rtr");
    }
}
