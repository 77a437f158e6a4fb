using System.Text;
using Terminal.Gui.Text;

namespace Hydra.Tui.Shared;

/// <summary>
/// Fitting text into terminal columns. Widths are counted in columns, not characters: an
/// emoji such as 🟢 takes two.
/// </summary>
internal static class TextFit
{
    /// <summary>How far a continuation row is indented past its line's own indent, so it reads as a continuation.</summary>
    public const int ContinuationIndent = 2;

    public static int Columns(string text) => text.GetColumns();

    /// <summary>
    /// Splits <paramref name="line"/> into rows of at most <paramref name="width"/> columns:
    /// at spaces where possible, inside a word only when it is longer than a row. Continuation
    /// rows keep the line's indent plus <see cref="ContinuationIndent"/>. A line that fits (or a
    /// width of 0, before layout) is one row.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string line, int width)
    {
        line = line.TrimEnd(); // padding of fixed columns must not cause a wrap
        if (width <= 0 || Columns(line) <= width)
        {
            return [line];
        }
        var indent = Math.Min(line.Length - line.TrimStart().Length + ContinuationIndent, width / 2);
        var rows = new List<string>();
        var rest = line;
        var prefix = "";
        while (true)
        {
            var room = width - prefix.Length;
            if (Columns(rest) <= room)
            {
                rows.Add(prefix + rest);
                return rows;
            }
            var cut = CutAt(rest, room);
            rows.Add(prefix + rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
            prefix = new string(' ', indent);
            if (rest.Length == 0)
            {
                return rows;
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> in at most <paramref name="width"/> columns; a longer text keeps
    /// its start and, a little longer, its end around "…": default identities
    /// (HydraClient-3f9a1c) differ in their last characters.
    /// </summary>
    public static string Shorten(string text, int width)
    {
        if (Columns(text) <= width)
        {
            return text;
        }
        if (width <= 1)
        {
            return width == 1 ? "…" : "";
        }
        var head = (width - 1) / 2;
        var tail = width - 1 - head;
        var runes = text.EnumerateRunes().ToList();
        return string.Concat(Fitting(runes, head)) + "…" + string.Concat(Fitting(Enumerable.Reverse(runes), tail).Reverse());

        static IEnumerable<Rune> Fitting(IEnumerable<Rune> runes, int columns)
        {
            foreach (var rune in runes)
            {
                columns -= Math.Max(0, rune.GetColumns());
                if (columns < 0)
                {
                    yield break;
                }
                yield return rune;
            }
        }
    }

    /// <summary>Where to end a row of at most <paramref name="room"/> columns: after the last space that fits, else mid-word.</summary>
    private static int CutAt(string text, int room)
    {
        var columns = 0;
        var end = 0;
        var lastSpace = -1;
        var inText = false; // spaces of the indent are no place to break
        foreach (var rune in text.EnumerateRunes())
        {
            var width = Math.Max(0, rune.GetColumns());
            if (columns + width > room)
            {
                break;
            }
            columns += width;
            if (rune == new Rune(' '))
            {
                lastSpace = inText ? end : lastSpace;
            }
            else
            {
                inText = true;
            }
            end += rune.Utf16SequenceLength;
        }
        if (end == 0)
        {
            // Not even one character fits (a wide one in a 1-column room): take it anyway, or the loop would not end.
            return char.IsSurrogatePair(text, 0) ? 2 : 1;
        }
        return lastSpace > 0 ? lastSpace + 1 : end;
    }
}
