using System.Globalization;
using Hydra.Routing;
using Hydra.Tui.Shared;

namespace Hydra.Tui.Router;

/// <summary>
/// How names sit in a console line: padded to <paramref name="Width"/> so the columns line up,
/// and shortened in the middle (HydraC…3f9a1c) only when longer than <paramref name="Room"/>,
/// what the pane has for them, so that a line fits one row.
/// </summary>
internal readonly record struct NameColumns(int Width, int Room)
{
    /// <summary>The widest padding, nothing shortened: for lines not bound to a pane.</summary>
    public static NameColumns Widest { get; } = new(MessageLines.MaxNameWidth, int.MaxValue);

    /// <summary>The columns for a pane <paramref name="paneWidth"/> wide (0: not laid out yet).</summary>
    public static NameColumns For(int paneWidth)
    {
        if (paneWidth <= 0)
        {
            return Widest;
        }
        var room = Math.Max(MessageLines.MinNameWidth, (paneWidth - MessageLines.ColumnsBesideNames) / 2);
        return new(Math.Min(room, MessageLines.MaxNameWidth), room);
    }
}

/// <summary>The console's words: the original's numbered <c># sender > target : method</c> lines.</summary>
internal static class MessageLines
{
    /// <summary>The original pads names to 12; wider panes get up to 18, which fits the default unique names (HydraClient-3f9a1c).</summary>
    public const int MinNameWidth = 12;
    public const int MaxNameWidth = 18;

    /// <summary>A line's columns besides the two names: number, arrows, colons and a method of up to 10.</summary>
    public const int ColumnsBesideNames = 21;

    public static string Header(int nameWidth = MaxNameWidth) =>
        $"{"#",4} {"Sender".PadLeft(nameWidth)} > {"Target".PadLeft(nameWidth)} : {"Method",-10}";

    public static string Format(long number, RoutedMessage message) => Format(number, message, NameColumns.Widest);

    public static string Format(long number, RoutedMessage message, NameColumns names)
    {
        var (target, method) = message.Outcome == RouteOutcome.Refused
            ? ("(refused)", message.Error?.ToWire() ?? "error")
            : (message.Target, message.Method);
        return string.Create(CultureInfo.InvariantCulture, $"{number,4} {Name(message.Sender)} > {Name(target)} : {method,-10}");

        string Name(string name) => TextFit.Shorten(name, names.Room).PadLeft(names.Width);
    }

    /// <summary>The message's line for a pane of any width, as the console lays it out again after a resize.</summary>
    public static Func<int, string> LayOut(long number, RoutedMessage message) =>
        paneWidth => Format(number, message, NameColumns.For(paneWidth));

    /// <summary>What a message counts as in a summary: its method, or the error it was refused with.</summary>
    public static string KindOf(RoutedMessage message) => message.Outcome == RouteOutcome.Refused
        ? $"refused {message.Error?.ToWire() ?? "error"}"
        : message.Method;

    /// <summary>One line standing for many messages that came too fast to list.</summary>
    public static string Summary(long first, long last, long count, IReadOnlyDictionary<string, long> kinds)
    {
        const int shownKinds = 5;
        var ranked = kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).ToList();
        var parts = ranked.Take(shownKinds).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value:N0}"));
        var more = ranked.Count > shownKinds ? ", …" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{"⋯",4} {count:N0} messages #{first:N0}–#{last:N0}: {string.Join(", ", parts)}{more}");
    }
}
