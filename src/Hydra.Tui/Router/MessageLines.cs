using System.Globalization;
using Hydra.Routing;

namespace Hydra.Tui.Router;

/// <summary>The console's words: the original's numbered <c># sender > target : method</c> lines.</summary>
internal static class MessageLines
{
    /// <summary>The original pads names to 12; wider panes get up to 18, which fits the default unique names (HydraClient-3f9a1c).</summary>
    public const int MinNameWidth = 12;
    public const int MaxNameWidth = 18;

    /// <summary>The widest name padding whose line still fits <paramref name="paneWidth"/> columns.</summary>
    public static int NameWidthFor(int paneWidth) => Math.Clamp((paneWidth - 21) / 2, MinNameWidth, MaxNameWidth);

    public static string Header(int nameWidth = MaxNameWidth) =>
        $"{"#",4} {"Sender".PadLeft(nameWidth)} > {"Target".PadLeft(nameWidth)} : {"Method",-10}";

    public static string Format(long number, RoutedMessage message, int nameWidth = MaxNameWidth)
    {
        var (target, method) = message.Outcome == RouteOutcome.Refused
            ? ("(refused)", message.Error?.ToWire() ?? "error")
            : (message.Target, message.Method);
        return string.Create(CultureInfo.InvariantCulture, $"{number,4} {message.Sender.PadLeft(nameWidth)} > {target.PadLeft(nameWidth)} : {method,-10}");
    }

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
