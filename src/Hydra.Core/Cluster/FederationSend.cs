namespace Hydra.Cluster;

/// <summary>What sending a frame to another router did.</summary>
internal enum FederationSend
{
    /// <summary>On its way; it is delivered, or its sender hears why not.</summary>
    Sent,
    /// <summary>The target's router cannot be reached now (or this router's NATS connection is down): nothing was sent (<c>cluster_unavailable</c>).</summary>
    Unavailable,
    /// <summary>Too much is on its way to that router already (<c>busy</c>).</summary>
    Busy,
    /// <summary>Larger than the NATS servers take (<c>too_large</c>).</summary>
    TooLarge,
    /// <summary>No router of the cluster holds the target (<c>unknown_target</c>).</summary>
    UnknownTarget,
}
