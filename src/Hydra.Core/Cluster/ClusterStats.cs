namespace Hydra.Cluster;

/// <summary>A router's view of its cluster, since it started. Read at any time from any thread.</summary>
/// <param name="RouterId">This router's name in the cluster.</param>
/// <param name="Available">Whether the other routers can be reached now (the NATS connection is up).</param>
/// <param name="Routers">Routers in the cluster as far as this one knows, itself included.</param>
/// <param name="SentToRouters">Frames from peers here sent on to other routers.</param>
/// <param name="ReceivedFromRouters">Frames from peers on other routers delivered here.</param>
/// <param name="RefusedElsewhere">Frames sent on that came back refused (no router had the target, or its router could not take it); each sender got an error.</param>
/// <param name="PublishFailures">Frames NATS.Net failed to send after taking them (logged; their senders cannot be told which).</param>
/// <param name="Server">The NATS server this router is connected to (host:port), or null while it is not.</param>
public sealed record ClusterStats(string RouterId, bool Available, int Routers, long SentToRouters, long ReceivedFromRouters, long RefusedElsewhere, long PublishFailures, string? Server);
