using System.Collections.ObjectModel;

namespace Hydra.Tui.Shared;

/// <summary>
/// The lines a console pane keeps, and the rows it shows: each line wrapped to the pane's
/// width, so a long line is read in full rather than cut. At most <paramref name="capacity"/>
/// lines are kept, oldest dropped first (with their rows), so a long-running app keeps a fixed
/// memory footprint. UI thread only.
/// </summary>
internal sealed class ConsoleLines(int capacity)
{
    private readonly List<ConsoleLine> _kept = [];
    private readonly List<string> _lines = [];
    private readonly Queue<int> _rowsPerLine = new();

    /// <summary>The rows to show, oldest first (the list view's source).</summary>
    public ObservableCollection<string> Rows { get; } = [];

    /// <summary>The lines, oldest first, as laid out for <see cref="Width"/>.</summary>
    public IReadOnlyList<string> Lines => _lines;

    public int Capacity => capacity;

    /// <summary>Columns a row may take; 0 until the pane is laid out (lines are then one row each).</summary>
    public int Width { get; private set; }

    public void Add(ConsoleLine line)
    {
        var text = line.For(Width);
        _kept.Add(line);
        _lines.Add(text);
        AddRows(text);
        while (_lines.Count > capacity)
        {
            _kept.RemoveAt(0);
            _lines.RemoveAt(0);
            for (var rows = _rowsPerLine.Dequeue(); rows > 0; rows--)
            {
                Rows.RemoveAt(0);
            }
        }
    }

    /// <summary>Lays out and wraps every line again for a new width (the pane was resized).</summary>
    public void SetWidth(int width)
    {
        if (width == Width)
        {
            return;
        }
        Width = width;
        Rows.Clear();
        _rowsPerLine.Clear();
        for (var i = 0; i < _kept.Count; i++)
        {
            _lines[i] = _kept[i].For(width);
            AddRows(_lines[i]);
        }
    }

    private void AddRows(string line)
    {
        var rows = TextFit.Wrap(line, Width);
        foreach (var row in rows)
        {
            Rows.Add(row);
        }
        _rowsPerLine.Enqueue(rows.Count);
    }
}
