namespace Hydra.Bench.Suite;

/// <summary>One throughput run through one router.</summary>
/// <param name="NatsBytesPerMessage">In a cluster: the part of <paramref name="PollerBytesPerMessage"/> allocated inside NATS.Net's PublishAsync.</param>
internal sealed record ThroughputSample(double Rate, double CpuMicrosPerMessage, double PollerBytesPerMessage, double ProcessBytesPerMessage, double NatsBytesPerMessage = double.NaN);

/// <summary>One idle-peers run through one router.</summary>
internal sealed record IdleSample(int Peers, double Rate, long HeartbeatsSent, long HeartbeatReplies, double HeapPerPeer, double ResidentPerPeer);

/// <summary>What the integrity checks counted over the whole run.</summary>
internal sealed class IntegrityTally
{
    public int Runs;
    public long Sent;
    public long Delivered;
    public long Errors;
    public long Gaps;
    public long OutOfOrder;
    public long Unaccounted;
    public long Corrupt;
}
