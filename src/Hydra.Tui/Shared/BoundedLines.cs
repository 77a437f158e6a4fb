using System.Collections.ObjectModel;

namespace Hydra.Tui.Shared;

/// <summary>
/// The lines a console pane shows: at most <paramref name="capacity"/>, oldest dropped first,
/// so a long-running app keeps a fixed memory footprint. UI thread only.
/// </summary>
internal sealed class BoundedLines(int capacity)
{
    public ObservableCollection<string> Items { get; } = [];

    public int Capacity => capacity;

    public void Add(string line)
    {
        Items.Add(line);
        while (Items.Count > capacity)
        {
            Items.RemoveAt(0);
        }
    }
}
