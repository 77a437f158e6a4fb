using System.Globalization;
using Hydra.Routing;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Hydra.Tui.Router;

/// <summary>The Clients box: identity, status in colour, last seen, messages in and out. UI thread only.</summary>
internal sealed class ClientsTable : FrameView
{
    private const int StatusColumn = 1;

    private static readonly Dictionary<string, Func<ClientInfo, object>> Columns = new()
    {
        ["Identity"] = c => c.Identity,
        ["Status"] = c => c.Status.ToLabel(),
        ["Last seen"] = c => FormatAgo(c.LastSeenAgo),
        ["In"] = c => c.MessagesIn.ToString("N0", CultureInfo.InvariantCulture),
        ["Out"] = c => c.MessagesOut.ToString("N0", CultureInfo.InvariantCulture),
    };

    private readonly TableView _table;
    private IReadOnlyList<ClientInfo> _shown = [];

    public ClientsTable()
    {
        Title = "Clients";
        TabStop = TabBehavior.TabStop; // reachable with Tab, like the buttons
        _table = new TableView
        {
            X = 0,
            Y = 0,
            Width = Dim.Fill(),
            Height = Dim.Fill(),
            FullRowSelect = true,
            Table = new EnumerableTableSource<ClientInfo>([], Columns),
        };
        // Letters belong to the app's keys (q quits), not to type-to-search.
        _table.CollectionNavigator = null;
        _table.Style.ExpandLastColumn = false;
        var status = _table.Style.GetOrCreateColumnStyle(StatusColumn);
        status.MinWidth = 6;
        status.ColorGetter = args => SchemeFor(args.CellValue as string, args.RowScheme);
        foreach (var right in new[] { 3, 4 })
        {
            _table.Style.GetOrCreateColumnStyle(right).Alignment = Alignment.End;
        }
        Add(_table);
    }

    public void Show(IReadOnlyList<ClientInfo> clients)
    {
        // Rebuilding redraws the box; do it only when a person would see a difference.
        if (ReferenceEquals(clients, _shown) || Looks(clients).SequenceEqual(Looks(_shown)))
        {
            return;
        }
        _shown = clients;
        _table.Table = new EnumerableTableSource<ClientInfo>(clients, Columns);
        _table.SetNeedsDraw();
    }

    private static IEnumerable<string> Looks(IReadOnlyList<ClientInfo> clients) =>
        clients.SelectMany(c => Columns.Values.Select(cell => cell(c).ToString() ?? ""));

    private static Scheme? SchemeFor(string? status, Scheme rowScheme)
    {
        var colour = status switch
        {
            "GOOD" => Color.BrightGreen,
            "OK" => Color.BrightYellow,
            "BAD" => Color.BrightRed,
            _ => (Color?)null,
        };
        return colour is null ? null : new Scheme(rowScheme) { Normal = new Attribute(colour.Value, rowScheme.Normal.Background) };
    }

    private static string FormatAgo(TimeSpan ago) => ago.TotalSeconds switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalSeconds:0.0} s ago"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalSeconds:0} s ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ago.TotalMinutes:0} min ago"),
    };
}
