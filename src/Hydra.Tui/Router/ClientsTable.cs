using Hydra.Protocol;
using Hydra.Routing;
using Terminal.Gui.Drawing;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Hydra.Tui.Router;

/// <summary>
/// The Clients box: identity, status in colour, last seen, messages in and out, in as many
/// columns as fit (see <see cref="ClientColumns"/>). UI thread only.
/// </summary>
internal sealed class ClientsTable : FrameView
{
    private readonly TableView _table;
    private IReadOnlyList<ClientInfo> _shown = [];
    private string[] _shownCells = [];

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
            Table = new EnumerableTableSource<ClientInfo>([], ClientColumns.For([], 0).Getters),
        };
        // Letters belong to the app's keys (q quits), not to type-to-search.
        _table.CollectionNavigator = null;
        _table.Style.ExpandLastColumn = false;
        // The box's own top line is right above: a second line there only costs a row.
        _table.Style.ShowHorizontalHeaderOverline = false;
        var status = _table.Style.GetOrCreateColumnStyle(ClientColumns.StatusColumn);
        status.MinWidth = 6;
        status.ColorGetter = args => SchemeFor(args.CellValue as string, args.RowScheme);
        foreach (var right in new[] { 3, 4 }) // In and Out, when shown
        {
            _table.Style.GetOrCreateColumnStyle(right).Alignment = Alignment.End;
        }
        // A resize may make room for more columns, or take it away.
        _table.FrameChanged += (_, _) => Show(_shown, force: true);
        Add(_table);
    }

    public void Show(IReadOnlyList<ClientInfo> clients) => Show(clients, force: false);

    private void Show(IReadOnlyList<ClientInfo> clients, bool force)
    {
        if (ReferenceEquals(clients, _shown) && !force)
        {
            return;
        }
        var columns = ClientColumns.For(clients, _table.Viewport.Width);
        var cells = columns.Getters.Keys.Concat(clients.SelectMany(c => columns.Getters.Values.Select(cell => cell(c).ToString() ?? ""))).ToArray();
        _shown = clients;
        // Rebuilding redraws the box; do it only when a person would see a difference.
        if (cells.SequenceEqual(_shownCells))
        {
            return;
        }
        _shownCells = cells;
        foreach (var right in new[] { 3, 4 }) // In and Out when shown; else (in a cluster) the router, left-aligned
        {
            _table.Style.GetOrCreateColumnStyle(right).Alignment = columns.HasCounts ? Alignment.End : Alignment.Start;
        }
        _table.Table = new EnumerableTableSource<ClientInfo>(clients, columns.Getters);
        _table.SetNeedsDraw();
    }

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
}
