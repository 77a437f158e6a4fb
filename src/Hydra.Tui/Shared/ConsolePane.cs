using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Shared;

/// <summary>
/// A framed, scrollable console: an optional fixed header line over a list of lines that
/// follows the newest line unless the operator has scrolled up to read. A line wider than
/// the pane wraps onto indented rows (see <see cref="TextFit.Wrap"/>), rewrapped when the
/// pane is resized. UI thread only.
/// </summary>
internal sealed class ConsolePane : FrameView
{
    /// <summary>Lines kept; older ones are dropped.</summary>
    public const int HistoryLines = 1000;

    private readonly ConsoleLines _lines = new(HistoryLines);
    private readonly ListView _list;
    private readonly TextLabel? _header;
    private bool _follow = true;

    public ConsolePane(string title, string? header = null)
    {
        Title = title;
        CanFocus = true;
        // A frame is a tab group (Ctrl+PageDown) by default; an operator expects Tab to reach the console.
        TabStop = TabBehavior.TabStop;
        var top = 0;
        if (header is not null)
        {
            _header = new TextLabel { Text = header, X = 0, Y = 0, Width = Dim.Fill() };
            Add(_header);
            top = 1;
        }
        _list = new ListView { X = 0, Y = top, Width = Dim.Fill(), Height = Dim.Fill() };
        _list.SetSource(_lines.Rows);
        // Before the first layout (and after a resize) the size changes: wrap to the new width
        // and keep the tail in view.
        _list.FrameChanged += (_, _) =>
        {
            _lines.SetWidth(_list.Viewport.Width);
            if (_follow)
            {
                ScrollToEnd();
            }
        };
        // Arrow keys and PageUp move the selection: start it at the bottom line in view, so the
        // first PageUp goes back one page, not to the oldest line.
        _list.HasFocusChanged += (_, _) =>
        {
            if (_list.HasFocus && _lines.Rows.Count > 0)
            {
                var viewport = _list.Viewport;
                _list.SelectedItem = Math.Clamp(viewport.Y + viewport.Height - 1, 0, _lines.Rows.Count - 1);
            }
        };
        Add(_list);
    }

    /// <summary>The fixed line over the list, if any.</summary>
    public string? Header
    {
        get => _header?.Text;
        set
        {
            if (_header is not null && value is not null && _header.Text != value)
            {
                _header.Text = value;
            }
        }
    }

    /// <summary>Columns available to a line.</summary>
    public int LineWidth => _list.Viewport.Width;

    /// <summary>All lines currently kept (oldest first), laid out for the pane's width but unwrapped.</summary>
    public IReadOnlyList<string> Lines => _lines.Lines;

    public void Append(IEnumerable<string> lines) => Append(lines.Select(line => (ConsoleLine)line));

    public void Append(IEnumerable<ConsoleLine> lines)
    {
        _follow = IsShowingEnd();
        foreach (var line in lines)
        {
            _lines.Add(line);
        }
        if (_follow)
        {
            ScrollToEnd();
        }
    }

    public void Append(string line) => Append([(ConsoleLine)line]);

    private bool IsShowingEnd()
    {
        var viewport = _list.Viewport;
        return viewport.Height <= 0 || viewport.Y + viewport.Height >= _lines.Rows.Count;
    }

    private void ScrollToEnd()
    {
        var viewport = _list.Viewport;
        if (viewport.Height <= 0)
        {
            return; // not laid out yet; FrameChanged brings us back
        }
        var top = Math.Max(0, _lines.Rows.Count - viewport.Height);
        _list.Viewport = viewport with { Y = top };
        if (_list.HasFocus)
        {
            _list.SelectedItem = _lines.Rows.Count - 1; // the selection follows too, or the list would scroll back to it
        }
        _list.SetNeedsDraw();
    }
}
