using Microsoft.Extensions.Logging;

namespace Hydra.Mq;

/// <summary>Every line a peer writes, with its event id (4001–4099), generated at build time.</summary>
internal static partial class PeerLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "{Identity} connecting to {Address}:{Port}/{HeartbeatPort} on {Transport}")]
    public static partial void LogConnecting(this ILogger log, string identity, string address, int port, int heartbeatPort, string transport);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "{Identity} quit")]
    public static partial void LogQuit(this ILogger log, string identity);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "{Identity}: connected to the router at {Address}:{Port}")]
    public static partial void LogConnected(this ILogger log, string identity, string address, int port);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Identity}: no heartbeat reply from the router for {Seconds:0.#} s: {Why}")]
    public static partial void LogNoHeartbeatReply(this ILogger log, string identity, double seconds, string why);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "{Identity}: not connected to the router yet: {Why}")]
    public static partial void LogNotConnectedYet(this ILogger log, string identity, string why);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "{Identity} authenticated with the router")]
    public static partial void LogAuthenticated(this ILogger log, string identity);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "{Identity}: {Why}")]
    public static partial void LogAuthenticationFailed(this ILogger log, string identity, string why);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "{Identity}: authentication not finished: {Reason}")]
    public static partial void LogAuthenticationUnfinished(this ILogger log, string identity, string reason);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "{Identity}: heartbeat not queued (router unreachable for a while)")]
    public static partial void LogHeartbeatNotQueued(this ILogger log, string identity);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "{Identity}: dropped an undecodable frame from the router: {Problem}")]
    public static partial void LogUndecodable(this ILogger log, string identity, string problem);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "{Identity}: internal error while taking {Message}")]
    public static partial void LogTakeFailed(this ILogger log, Exception exception, string identity, HydraMsg message);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "{Identity}: unexpected {Message} on the heartbeat port: {Payload}")]
    public static partial void LogUnexpectedOnHeartbeatPort(this ILogger log, string identity, HydraMsg message, string payload);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "{Identity}: no handler for {Message}")]
    public static partial void LogNoHandler(this ILogger log, string identity, HydraMsg message);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "{Identity}: inbox full ({Capacity}); refused {Message}")]
    public static partial void LogInboxFull(this ILogger log, string identity, int capacity, HydraMsg message);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "{Identity}: could not send {Reply}: queue to the router full")]
    public static partial void LogReplyQueueFull(this ILogger log, string identity, HydraMsg reply);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Error, Message = "{Identity}: handler for {Method} failed")]
    public static partial void LogHandlerFailed(this ILogger log, Exception exception, string identity, string method);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "{Identity}: reply {Reply} not sent: {Reason}")]
    public static partial void LogReplyNotSent(this ILogger log, string identity, HydraMsg reply, string reason);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Debug, Message = "{Identity}: {Message} carries no reply_to; taken as the answer to request {Id}")]
    public static partial void LogUncorrelatedAnswer(this ILogger log, string identity, HydraMsg message, string? id);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Information, Message = "{Identity}: late reply {Message} to request {Id}")]
    public static partial void LogLateReply(this ILogger log, string identity, HydraMsg message, string? id);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "{Identity}: late reply {Message} without reply_to: a request to {Target} had timed out")]
    public static partial void LogLateUncorrelatedReply(this ILogger log, string identity, HydraMsg message, string target);
}
