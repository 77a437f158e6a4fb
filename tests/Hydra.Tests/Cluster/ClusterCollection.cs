namespace Hydra.Tests.Cluster;

/// <summary>
/// The cluster tests run one at a time, after the parallel tests, with nothing else beside them.
/// Each starts NATS servers and two or three routers; side by side on 2 cores they starved each
/// other (NATS.Net connections stalled for seconds, presences went unheard, new peers unanswered),
/// and about 1 run in 5 of the cluster tests failed on timing alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
