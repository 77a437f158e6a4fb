using Microsoft.Extensions.Logging;

namespace Hydra.Routing;

/// <summary>Every line the router's rules write, with its event id (1001–1099), generated at build time.</summary>
internal static partial class RouterLog
{
    [LoggerMessage(EventId = 1001, Message = "Refused message from {Identity}: {Code}: {Detail}")]
    public static partial void LogRefused(this ILogger log, LogLevel level, string identity, string code, string detail);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "A reply to {Identity} could not be delivered: its queue is full or it is gone")]
    public static partial void LogReplyNotDelivered(this ILogger log, string identity);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "{Count} more replies could not be delivered in the last second (see RepliesNotDelivered)")]
    public static partial void LogRepliesNotDeliveredUnlogged(this ILogger log, long count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{Count} more refused messages in the last second were not logged (see the error counters)")]
    public static partial void LogRefusalsUnlogged(this ILogger log, long count);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "Router listening on tcp://{Address}:{Port} (heartbeats on {HeartbeatPort}){Security}, on {Transport} ({TransportWhy})")]
    public static partial void LogListening(this ILogger log, string address, int port, int heartbeatPort, string security, string transport, string transportWhy);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "Authorized keys on {Transport}: only peers that send Hydra's own key proof (HydraMQ) get in; pyzmq peers do not send it and are refused. A router on libzmq checks keys in the CURVE handshake instead: --transport libzmq")]
    public static partial void LogKeysCheckedAfterHandshake(this ILogger log, string transport);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "Listening on all interfaces without encryption: anyone who reaches port {Port} can send and read messages. Use --address 127.0.0.1, or a CURVE key (hydra keygen)")]
    public static partial void LogOpenToAll(this ILogger log, int port);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Router stopped")]
    public static partial void LogStopped(this ILogger log);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Client {Identity} pruned: not seen for {Seconds:0} s")]
    public static partial void LogPruned(this ILogger log, string identity, double seconds);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "{Identity} proved its key")]
    public static partial void LogKeyProven(this ILogger log, string identity);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "{Identity} is now connected to router {Router}; its older connection here gets nothing more")]
    public static partial void LogTakenByRouter(this ILogger log, string identity, string router);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Debug, Message = "{Identity} disconnected from the {Port} port")]
    public static partial void LogDisconnected(this ILogger log, string identity, string port);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Internal error while writing the client table for {Identity}")]
    public static partial void LogClientTableFailed(this ILogger log, Exception exception, string identity);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "Internal error while gathering the cluster's client table for {Identity}")]
    public static partial void LogClusterTableFailed(this ILogger log, Exception exception, string identity);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Error, Message = "Internal error while handling a message; routing goes on")]
    public static partial void LogHandlingFailed(this ILogger log, Exception exception);
}
