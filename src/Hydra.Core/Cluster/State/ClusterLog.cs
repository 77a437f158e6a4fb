using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.State;

/// <summary>The cluster state machine's log lines: one per change of a link's state, and what cannot be answered.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Router {Me}: link to router {Router} is up ({Clients} clients there)")]
    public static partial void LogLinkUp(this ILogger log, string me, string router, int clients);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Router {Me}: link to router {Router} is back after {Seconds:0.0} s")]
    public static partial void LogLinkBack(this ILogger log, string me, string router, double seconds);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
        Message = "Router {Me}: router {Router} is unreachable: {Why}; its peers are answered cluster_unavailable until it is back ({Unconfirmed} messages answered not_confirmed, {Unsent} not sent)")]
    public static partial void LogLinkDown(this ILogger log, string me, string router, string why, int unconfirmed, int unsent);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "Router {Me}: the link to router {Router} starts a new session: {Why} ({Unconfirmed} messages answered not_confirmed, {Unsent} not sent)")]
    public static partial void LogLinkRestarted(this ILogger log, string me, string router, string why, int unconfirmed, int unsent);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Router {Me}: router {Router} has left the cluster ({Why}); its peers are no longer known")]
    public static partial void LogLinkForgotten(this ILogger log, string me, string router, string why);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "Router {Me}: another router also calls itself {Me}; give each router its own --router-id")]
    public static partial void LogSameRouterId(this ILogger log, string me);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning,
        Message = "Cluster: an error for {Sender} on router {Router} could not be sent, the link being down ({Code}: {Detail})")]
    public static partial void LogRefusalLost(this ILogger log, string sender, string router, string code, string detail);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "Cluster: ignored {What} from NATS ({Count} so far)")]
    public static partial void LogMalformed(this ILogger log, string what, long count);
}
