namespace Hydra.Observability;

/// <summary>
/// What a peer counts for the <see cref="HydraMeters.Peer"/> meter. Sent, received and late replies
/// are written by the loop thread only (a plain increment); requests and timeouts by callers'
/// threads (Interlocked). Readers use Volatile.Read: a reading may be a moment old, never torn.
/// </summary>
internal sealed class PeerCounters
{
    public long Sent;
    public long Received;
    public long Requests;
    public long Timeouts;
    public long LateReplies;
}
