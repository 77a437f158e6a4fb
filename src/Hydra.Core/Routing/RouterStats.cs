using Hydra.Routing;
namespace Hydra;

/// <summary>Counters since the router started. Read at any time from any thread.</summary>
/// <param name="Received">Frames-sets received on both ports.</param>
/// <param name="Routed">Messages forwarded to another peer.</param>
/// <param name="Pongs">Pings to the router answered.</param>
/// <param name="Heartbeats">Heartbeats answered.</param>
/// <param name="Errors">Error replies sent, by code.</param>
/// <param name="RepliesNotDelivered">Replies (pong, error, heartbeat_reply) the router could not hand to a peer whose queue was full or gone; each is logged.</param>
/// <param name="Clients">Clients in the table now.</param>
public sealed record RouterStats(
    long Received,
    long Routed,
    long Pongs,
    long Heartbeats,
    IReadOnlyDictionary<HydraErrorCode, long> Errors,
    long RepliesNotDelivered,
    int Clients)
{
    /// <summary>All error replies, whatever the code.</summary>
    public long TotalErrors => Errors.Values.Sum();
}

/// <summary>The live counters. One writer (the poller thread); readers take a snapshot.</summary>
internal sealed class RouterCounters
{
    private readonly long[] _errors = new long[Enum.GetValues<HydraErrorCode>().Length];
    public long Received;
    public long Routed;
    public long Pongs;
    public long Heartbeats;
    public long RepliesNotDelivered;
    public int Clients;

    public void CountError(HydraErrorCode code) => Interlocked.Increment(ref _errors[(int)code]);

    public long ErrorCount(HydraErrorCode code) => Volatile.Read(ref _errors[(int)code]);

    public RouterStats Snapshot()
    {
        var errors = new Dictionary<HydraErrorCode, long>();
        for (var i = 0; i < _errors.Length; i++)
        {
            var count = Volatile.Read(ref _errors[i]);
            if (count > 0)
            {
                errors[(HydraErrorCode)i] = count;
            }
        }
        return new RouterStats(Volatile.Read(ref Received), Volatile.Read(ref Routed), Volatile.Read(ref Pongs),
            Volatile.Read(ref Heartbeats), errors, Volatile.Read(ref RepliesNotDelivered), Volatile.Read(ref Clients));
    }
}
