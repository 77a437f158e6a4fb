using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

// Who went away: the socket monitors' connection events, matched to the peers on record
// (see PeerConnections). Read on the loop thread whenever a monitor has news, before the
// messages of the same turn, and before a new connection is put on record.
internal sealed partial class LibZmqRouterTransport
{
    private DrainResult ReadConnectionEvents(ZmqMonitor monitor)
    {
        while (monitor.TryRead(out var news))
        {
            // ACCEPTED on an fd still on record means its old connection's end was missed: gone too.
            if (news.Event is ZmqMonitorEvents.Disconnected or ZmqMonitorEvents.Accepted)
            {
                _connections.Remove(news.Value, _gone);
            }
        }
        return DrainResult.Drained;
    }
}
