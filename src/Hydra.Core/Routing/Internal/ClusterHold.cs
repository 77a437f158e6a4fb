namespace Hydra.Routing.Internal;

/// <summary>Whether a connection here holds its identity in the cluster (one holder cluster-wide: the newest connection).</summary>
internal enum ClusterHold : byte
{
    /// <summary>Not claimed yet: new, or its connection closed. Its next frame claims it.</summary>
    Unclaimed,
    /// <summary>Claimed by this router: frames for it are delivered here.</summary>
    Held,
    /// <summary>A newer connection with the identity arrived on another router: this one gets nothing more, and may send nothing more, until it reconnects.</summary>
    Taken,
}
