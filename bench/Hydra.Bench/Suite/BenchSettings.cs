namespace Hydra.Bench.Suite;

/// <summary>How long and how much: the full suite, or the quick smoke CI runs.</summary>
internal sealed record BenchSettings
{
    public required bool Smoke { get; init; }
    public int Repeats { get; init; } = 3;
    public TimeSpan ThroughputDuration { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Messages in flight per pair. The Python routers use libzmq's default high-water mark of
    /// 1,000, and a libzmq pipe learns how far its reader got only every 500 messages, so it may
    /// count up to 500 more than are really queued; past the mark a ROUTER drops silently. 400
    /// keeps every router clear of that, so any loss is a real one.
    /// </summary>
    public int Window { get; init; } = 400;
    public int LatencyCount { get; init; } = 10_000;
    public int LatencyWarmup { get; init; } = 1_000;
    public int IdlePeers { get; init; } = 1_000;
    public TimeSpan IdleHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int HighWatermark { get; init; } = 10_000;
    public bool IncludePython { get; init; } = true;
    /// <summary>Measure a cluster of two Hydra routers over a nats-server too (sender on one, receiver on the other).</summary>
    public bool IncludeCluster { get; init; } = true;
    /// <summary>
    /// Only the cluster's local against cross with the C++ load generator, and NATS alone (issue 16):
    /// quick to rerun while tuning the cluster.
    /// </summary>
    public bool ClusterOnly { get; init; }
    public bool PoolBuffers { get; init; } = true;
    /// <summary>Another build's Hydra.Bench.dll whose Hydra router runs beside this one ("before" figures in the same run).</summary>
    public string? BaselineBench { get; init; }
    /// <summary>Only these routers (names as in <see cref="Routers"/>), for a quick look at a few; null: all.</summary>
    public IReadOnlySet<string>? OnlyRouters { get; init; }
    /// <summary>Also measure Hydra with its metrics exported and scraped (<see cref="Routers.Metrics"/>), beside plain Hydra.</summary>
    public bool Metrics { get; init; }
    public IReadOnlyList<(int Pairs, int Size)> Scenarios { get; init; } = [(1, 100), (1, 1000), (4, 100), (4, 1000)];

    public static BenchSettings Full { get; } = new() { Smoke = false };

    public static BenchSettings Quick { get; } = new()
    {
        Smoke = true,
        Repeats = 1,
        ThroughputDuration = TimeSpan.FromSeconds(0.5),
        LatencyCount = 1_000,
        LatencyWarmup = 100,
        IdlePeers = 200,
    };
}
