using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.Nats;

/// <summary>
/// What the log says about this router's NATS connection: one line when it is lost, one when it
/// is back, and while it stays away one line a minute at most with the attempts so far. No stack
/// traces: an unreachable server is an expected state, not a fault.
/// </summary>
internal sealed partial class ConnectionLog(ILogger log, ClusterOptions options, TimeProvider time)
{
    private static readonly TimeSpan RetryLineEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly string _urls = string.Join(", ", ClusterUrls.Split(options.Urls).Select(ClusterUrls.Redacted));
    private bool _everConnected;
    private bool _connected;
    private long _lostAt;
    private long _lastRetryLine;
    private int _attempts;

    public void Joining()
    {
        lock (_gate)
        {
            _lostAt = _lastRetryLine = time.GetTimestamp(); // the first line about retrying comes a minute after the start
        }
        LogJoining(log, options.Name, options.RouterId, _urls);
    }

    /// <summary>NATS.Net retries the first connection quietly: say once, when it takes long, what the router does meanwhile.</summary>
    public async Task WarnIfUnreachableAsync(Func<bool> connected, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.LinkTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!connected())
        {
            LogNotYet(log, options.RouterId, _urls);
        }
    }

    public void Connected(string? server)
    {
        lock (_gate)
        {
            if (_connected)
            {
                return;
            }
            _connected = true;
            if (!_everConnected)
            {
                _everConnected = true;
                LogJoined(log, options.RouterId, options.Name, ClusterUrls.Redacted(server ?? _urls));
            }
            else
            {
                LogBack(log, options.RouterId, options.Name, ClusterUrls.Redacted(server ?? _urls), time.GetElapsedTime(_lostAt).TotalSeconds, _attempts);
            }
            _attempts = 0;
        }
    }

    public void Lost(string? why = null)
    {
        lock (_gate)
        {
            if (!_connected)
            {
                return;
            }
            _connected = false;
            _lostAt = _lastRetryLine = time.GetTimestamp();
            _attempts = 0;
        }
        LogLost(log, options.RouterId, why is null ? "" : $" ({why})", options.Name);
    }

    public void StillTrying(string reason)
    {
        lock (_gate)
        {
            _attempts++;
            if (_connected || time.GetElapsedTime(_lastRetryLine) < RetryLineEvery)
            {
                return;
            }
            _lastRetryLine = time.GetTimestamp();
            LogStillTrying(log, options.RouterId, _urls, _attempts, time.GetElapsedTime(_lostAt).TotalSeconds, reason);
        }
    }

    public void CannotJoin(string reason) => LogCannotJoin(log, options.Name, _urls, reason);

    public void PublishFailed(string reason) => LogPublishFailed(log, reason);

    /// <summary>An -ERR line from the server (the connection goes on, or the server closes it next).</summary>
    public void ServerSaid(string text) => LogServerSaid(log, text);

    public void CloseUnclean(string reason) => LogCloseUnclean(log, reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Joining cluster {Cluster} as router {Router} over NATS at {Urls}")]
    private static partial void LogJoining(ILogger log, string cluster, string router, string urls);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Router {Router} cannot reach NATS at {Urls} yet: it routes its own peers, and answers messages for other routers cluster_unavailable, until NATS comes (still trying)")]
    private static partial void LogNotYet(ILogger log, string router, string urls);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Router {Router} joined cluster {Cluster} (NATS {Server})")]
    private static partial void LogJoined(ILogger log, string router, string cluster, string server);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Router {Router} lost its NATS connection{Why}: peers here still reach each other; messages for other routers wait up to the link timeout for NATS to be back, then are answered cluster_unavailable (cluster {Cluster})")]
    private static partial void LogLost(ILogger log, string router, string why, string cluster);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Router {Router} still cannot reach NATS at {Urls}: {Attempts} attempts in {Seconds:0} s (last: {Reason}); still trying")]
    private static partial void LogStillTrying(ILogger log, string router, string urls, int attempts, double seconds, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Router {Router} rejoined cluster {Cluster} (NATS {Server}) after {Seconds:0.0} s and {Attempts} attempts")]
    private static partial void LogBack(ILogger log, string router, string cluster, string server, double seconds, int attempts);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Cannot join cluster {Cluster} over NATS at {Urls}: {Reason}; the router routes its own peers only")]
    private static partial void LogCannotJoin(ILogger log, string cluster, string urls, string reason);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Cluster: NATS did not take a message ({Reason}); it is sent again, or answered, by its link")]
    private static partial void LogPublishFailed(ILogger log, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Cluster: the NATS server says: {Error}")]
    private static partial void LogServerSaid(ILogger log, string error);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Cluster: closing the NATS connection did not finish cleanly ({Reason}); the router stops anyway")]
    private static partial void LogCloseUnclean(ILogger log, string reason);
}
