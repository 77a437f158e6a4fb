using Microsoft.Extensions.Logging;

namespace Hydra.Transport;

/// <summary>Every line the transports write, with its event id (2001–2099), generated at build time.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Internal error on the {Thread} thread; it goes on")]
    public static partial void LogLoopFailed(this ILogger log, Exception exception, string thread);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Internal error while closing the {Thread} thread's sockets")]
    public static partial void LogCloseFailed(this ILogger log, Exception exception, string thread);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The router's socket thread did not stop within {Seconds} s; its sockets are left to the process exit")]
    public static partial void LogThreadNotStopped(this ILogger log, double seconds);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "libzmq did not release the router's ports within {Seconds} s")]
    public static partial void LogPortsNotReleased(this ILogger log, double seconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Internal error while receiving a message; routing goes on")]
    public static partial void LogReceiveFailed(this ILogger log, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The router's socket thread did not unbind within {Seconds} s")]
    public static partial void LogNotUnbound(this ILogger log, double seconds);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Refused a connection from {Address} in the CURVE handshake: key {Key} is not authorized on this router{Repeats}")]
    public static partial void LogKeyRefusedInHandshake(this ILogger log, string address, string key, string repeats);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning,
        Message = "Open-file limit reached ({Limit}; {Why}): serving the {Connections} connections open, refusing new ones until some close{Repeats}")]
    public static partial void LogOpenFileLimit(this ILogger log, int limit, string why, int connections, string repeats);
}
