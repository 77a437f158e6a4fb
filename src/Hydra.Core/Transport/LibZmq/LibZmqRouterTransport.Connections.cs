using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

// Who went away: the socket monitors' connection events, matched to the peers on record
// (see PeerConnections). Read on the loop thread whenever a monitor has news, before the
// messages of the same turn, and before a new connection is put on record. The same events
// keep the connections clear of the open-file limit (OpenFileGate).
internal sealed partial class LibZmqRouterTransport
{
    private static readonly TimeSpan LimitLogEvery = TimeSpan.FromMinutes(1);
    private readonly OpenFileGate _gate = new();
    private long _lastLimitLog = long.MinValue;
    private int _limitHitsUnlogged;

    /// <summary>How often the gate closed or an accept failed (each a connection or more turned away).</summary>
    public long OpenFileLimitHits { get; private set; }

    private DrainResult ReadConnectionEvents(ZmqMonitor monitor)
    {
        while (monitor.TryRead(out var news))
        {
            // ACCEPTED on an fd still on record means its old connection's end was missed: gone too.
            if (news.Event is ZmqMonitorEvents.Disconnected or ZmqMonitorEvents.Accepted)
            {
                _connections.Remove(news.Value, _gone);
            }
            switch (news.Event)
            {
                case ZmqMonitorEvents.Listening:
                    _gate.OnListening(news.Value);
                    break;
                case ZmqMonitorEvents.Accepted when _gate.OnAccepted(news.Value):
                    LimitReached($"descriptor {news.Value} in use, {_gate.Reserve} kept for the process");
                    break;
                case ZmqMonitorEvents.AcceptFailed:
                    _gate.OnAcceptFailed();
                    LimitReached($"a connection could not be accepted: {ZmqException.Describe(news.Value)}");
                    break;
                case ZmqMonitorEvents.Disconnected:
                    _gate.OnDisconnected();
                    break;
            }
        }
        return DrainResult.Drained;
    }

    /// <summary>One line a minute at most: libzmq retries a failed accept without pause, each a monitor event.</summary>
    private void LimitReached(string why)
    {
        OpenFileLimitHits++;
        var now = Environment.TickCount64;
        if (_lastLimitLog != long.MinValue && TimeSpan.FromMilliseconds(now - _lastLimitLog) < LimitLogEvery)
        {
            _limitHitsUnlogged++;
            return;
        }
        _log.LogOpenFileLimit(_gate.Limit, why, _gate.OpenConnections,
            _limitHitsUnlogged > 0 ? $" ({_limitHitsUnlogged} more times since the last such line)" : "");
        _lastLimitLog = now;
        _limitHitsUnlogged = 0;
    }
}
