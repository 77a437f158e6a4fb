using System.Globalization;
using Hydra.Routing;

namespace Hydra.Tui.Router;

/// <summary>The router's counters as of one moment, with the message rate over the last second.</summary>
/// <param name="Stats">The engine's counters.</param>
/// <param name="MessagesPerSecond">Messages received per second, both ports.</param>
/// <param name="TraceSkipped">Messages the console never saw because it was behind (routing was not slowed).</param>
internal sealed record RouterTotals(RouterStats Stats, double MessagesPerSecond, long TraceSkipped)
{
    /// <summary>The one live line of totals under the buttons.</summary>
    public string ToLine()
    {
        var errors = Stats.TotalErrors == 0
            ? "errors 0"
            : string.Create(CultureInfo.InvariantCulture, $"errors {Stats.TotalErrors:N0} (")
              + string.Join(", ", Stats.Errors.OrderByDescending(e => e.Value).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key.ToWire()} {e.Value:N0}")))
              + ")";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{MessagesPerSecond:N0} msg/s │ received {Stats.Received:N0} │ routed {Stats.Routed:N0} │ pongs {Stats.Pongs:N0} │ heartbeats {Stats.Heartbeats:N0} │ {errors} │ clients {Stats.Clients:N0}");
        if (TraceSkipped > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" │ not in console {TraceSkipped:N0}");
        }
        return line;
    }
}
