using System.Text;
using System.Text.RegularExpressions;

namespace Hydra.Tui.Router;

/// <summary>
/// A <see cref="TextWriter"/> for <c>HydraLog</c>'s console output while the app owns the
/// terminal: whole lines are queued (at most <see cref="Capacity"/>, the rest counted) and
/// the screen's timer takes them. Writers are the loggers' threads; never blocks them for long.
/// </summary>
internal sealed partial class LogLines : TextWriter
{
    public const int Capacity = 200;

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _partial = new();
    private long _dropped;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                Enqueue(_partial.ToString().TrimEnd('\r'));
                _partial.Clear();
            }
            else
            {
                _partial.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    /// <summary>Queued lines in a shorter form, plus a note if some were dropped.</summary>
    public IReadOnlyList<string> TakeLines()
    {
        lock (_gate)
        {
            var lines = new List<string>(_lines.Count + 1);
            while (_lines.TryDequeue(out var line))
            {
                lines.Add(line);
            }
            if (_dropped > 0)
            {
                lines.Add($"     {_dropped} log lines not shown (too many; use --log-file to keep them all)");
                _dropped = 0;
            }
            return lines;
        }
    }

    private void Enqueue(string line)
    {
        if (line.Length == 0)
        {
            return;
        }
        if (_lines.Count >= Capacity)
        {
            _dropped++;
            return;
        }
        _lines.Enqueue(Shorten(line));
    }

    /// <summary><c>[2026-01-31 12:00:00] [INFO] [HydraRouter] text</c> becomes <c>12:00:00 INFO text</c>: the date and name say nothing here.</summary>
    private static string Shorten(string line)
    {
        var match = LogLinePattern().Match(line);
        return match.Success ? $"     {match.Groups["time"].Value} {match.Groups["level"].Value} {match.Groups["text"].Value}" : "     " + line;
    }

    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} (?<time>\d{2}:\d{2}:\d{2})\] \[(?<level>\w+)\] \[[^\]]*\] (?<text>.*)$")]
    private static partial Regex LogLinePattern();
}
