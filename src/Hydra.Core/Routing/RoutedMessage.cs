using Hydra.Routing;
namespace Hydra;

/// <summary>What happened to one message, for watchers such as the terminal app.</summary>
public enum RouteOutcome
{
    /// <summary>Forwarded to its target.</summary>
    Forwarded,
    /// <summary>Answered by the router itself (ping, clients).</summary>
    Answered,
    /// <summary>A heartbeat, answered.</summary>
    Heartbeat,
    /// <summary>Refused; the sender got an error reply.</summary>
    Refused,
}

/// <summary>One traced message (only recorded when <see cref="RouterOptions.TraceCapacity"/> is above 0).</summary>
public sealed record RoutedMessage(DateTimeOffset At, string Sender, string Target, string Method, RouteOutcome Outcome, HydraErrorCode? Error = null);
