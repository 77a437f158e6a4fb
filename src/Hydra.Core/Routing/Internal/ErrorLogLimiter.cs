using Microsoft.Extensions.Logging;

namespace Hydra.Routing.Internal;

/// <summary>
/// Logs each refused message and each reply that could not be delivered, but at most
/// <see cref="PerSecond"/> lines a second: a peer spraying garbage (and not reading the
/// answers) must not turn the log into the bottleneck. What is held back is counted and
/// reported once a second. Poller thread only.
/// </summary>
internal sealed class ErrorLogLimiter(ILogger log)
{
    public const int PerSecond = 20;
    private int _budget = PerSecond;
    private long _suppressed;
    private long _suppressedUndelivered;

    public void Refused(string identity, HydraErrorCode code, string detail, LogLevel level = LogLevel.Warning)
    {
        if (!log.IsEnabled(level))
        {
            return;
        }
        if (_budget > 0)
        {
            _budget--;
            log.LogRefused(level, identity, code.ToWire(), detail);
        }
        else
        {
            _suppressed++;
        }
    }

    public void NotDelivered(string identity)
    {
        if (!log.IsEnabled(LogLevel.Warning))
        {
            return;
        }
        if (_budget > 0)
        {
            _budget--;
            log.LogReplyNotDelivered(identity);
        }
        else
        {
            _suppressedUndelivered++;
        }
    }

    public void Refill()
    {
        if (_suppressedUndelivered > 0)
        {
            log.LogRepliesNotDeliveredUnlogged(_suppressedUndelivered);
            _suppressedUndelivered = 0;
        }
        if (_suppressed > 0)
        {
            log.LogRefusalsUnlogged(_suppressed);
            _suppressed = 0;
        }
        _budget = PerSecond;
    }
}
