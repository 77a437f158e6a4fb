using Hydra.Routing;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Router;

/// <summary>
/// Turns the router's trace into console lines, at the pace a person can read. The trace
/// reader calls <see cref="Add"/> (any thread); the screen's timer calls <see cref="TakeLines"/>
/// a few times a second. When more than <see cref="MaxLinesPerFlush"/> messages came since
/// the last flush, one summary line stands for all of them. Memory stays bounded whatever
/// the message rate: only the first few messages of a burst are kept, the rest are counted.
/// </summary>
internal sealed class MessageFeed
{
    /// <summary>Most lines listed per take; beyond that, a summary.</summary>
    public const int MaxLinesPerFlush = 10;

    private readonly Lock _gate = new();
    private readonly List<(long Number, RoutedMessage Message)> _listed = new(MaxLinesPerFlush + 1);
    private readonly Dictionary<string, long> _kinds = new(StringComparer.Ordinal);
    private long _number;
    private long _pending;
    private long _firstPending;
    private long _lastPending;
    private long _hiddenHeartbeats;
    private volatile bool _showHeartbeats = true;

    /// <summary>Heartbeats are numbered either way; hidden ones leave gaps in the numbers.</summary>
    public bool ShowHeartbeats
    {
        get => _showHeartbeats;
        init => _showHeartbeats = value;
    }

    /// <summary>Heartbeats not shown since start.</summary>
    public long HiddenHeartbeats
    {
        get
        {
            lock (_gate)
            {
                return _hiddenHeartbeats;
            }
        }
    }

    public void Add(RoutedMessage message)
    {
        var kind = MessageLines.KindOf(message);
        lock (_gate)
        {
            var number = ++_number;
            if (message.Outcome == RouteOutcome.Heartbeat && !_showHeartbeats)
            {
                _hiddenHeartbeats++;
                return;
            }
            if (_pending++ == 0)
            {
                _firstPending = number;
            }
            _lastPending = number;
            if (_listed.Count <= MaxLinesPerFlush)
            {
                _listed.Add((number, message));
            }
            _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
        }
    }

    /// <summary>The lines for everything added since the last take (none if nothing came), names laid out as <paramref name="names"/> says (default: <see cref="NameColumns.Widest"/>).</summary>
    public IReadOnlyList<ConsoleLine> TakeLines(NameColumns? names = null)
    {
        lock (_gate)
        {
            return TakeLinesLocked(names ?? NameColumns.Widest);
        }
    }

    /// <summary>
    /// Shows or hides heartbeats from now on. Returns the lines still waiting, decided under
    /// the old setting, in the same step: a heartbeat can then never show up after the switch.
    /// </summary>
    public IReadOnlyList<ConsoleLine> SetShowHeartbeats(bool show, NameColumns? names = null)
    {
        lock (_gate)
        {
            var lines = TakeLinesLocked(names ?? NameColumns.Widest);
            _showHeartbeats = show;
            return lines;
        }
    }

    private IReadOnlyList<ConsoleLine> TakeLinesLocked(NameColumns names)
    {
        if (_pending == 0)
        {
            return [];
        }
        // A listed message is laid out again when the pane's width changes; a summary has no name columns.
        IReadOnlyList<ConsoleLine> lines = _pending <= MaxLinesPerFlush
            ? [.. _listed.Select(m => new ConsoleLine(MessageLines.Format(m.Number, m.Message, names), MessageLines.LayOut(m.Number, m.Message)))]
            : [MessageLines.Summary(_firstPending, _lastPending, _pending, _kinds)];
        _listed.Clear();
        _kinds.Clear();
        _pending = 0;
        return lines;
    }
}
