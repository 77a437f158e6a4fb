using Hydra.Cluster;
using Hydra.Transport;

namespace Hydra.Routing;

/// <summary>
/// The other routers of a cluster, as the routing rules see them (docs/cluster.md). The rules
/// call it for a target that is not connected here, and tell it which identities arrive and
/// leave; it tells the rules, on the loop thread, what arrives from the other routers. Knows
/// nothing of ZeroMQ; the rules know nothing of NATS. Implemented over NATS by
/// <see cref="Cluster.NatsFederation"/>; tests may put a fake in its place.
/// </summary>
internal interface IRouterFederation : IAsyncDisposable
{
    /// <summary>This router's name in the cluster.</summary>
    string RouterId { get; }

    /// <summary>True while the other routers can be reached (any thread).</summary>
    bool IsAvailable { get; }

    /// <summary>Counters since start (any thread).</summary>
    ClusterStats Stats { get; }

    /// <summary>
    /// Creates what it needs on <paramref name="loop"/> (before the transport starts), then
    /// connects in the background. A cluster that cannot be reached yet is not an error: the
    /// router routes its own peers and answers the rest with <c>cluster_unavailable</c> until it can.
    /// </summary>
    void Start(IFederationRules rules, ITransportLoop loop);

    /// <summary>Loop thread: a peer connected here holds <paramref name="identity"/> now (newest connection wins, cluster-wide).</summary>
    /// <param name="identity">The peer's routing identity.</param>
    /// <param name="key">The public key it proved, with authorized keys; null otherwise.</param>
    void Claim(ReadOnlySpan<byte> identity, string? key);

    /// <summary>Loop thread: the peer holding <paramref name="identity"/> here is gone.</summary>
    void Release(ReadOnlySpan<byte> identity);

    /// <summary>
    /// Loop thread: sends <paramref name="frame"/> (copied) to whichever router holds <paramref name="target"/>.
    /// If no router does, or the one that does cannot deliver it, the answer comes back later as
    /// <see cref="IFederationRules.OnRemoteRefusal"/>.
    /// </summary>
    FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id);

    /// <summary>
    /// Loop thread: a frame from another router (<see cref="IFederationRules.OnRemoteFrame"/>) could not be
    /// delivered here; its sender, on its own router, gets an error with <paramref name="code"/>.
    /// </summary>
    void Refuse(object origin, ReadOnlySpan<byte> frame, HydraErrorCode code, string detail);

    /// <summary>
    /// Any thread: the other routers' client tables (this router's own rows are the caller's),
    /// as complete as they came within the gather timeout.
    /// </summary>
    Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default);
}

/// <summary>What the federation tells the routing rules. Called on the loop thread only.</summary>
internal interface IFederationRules
{
    /// <summary>A frame for <paramref name="target"/>, a peer held here, from a peer on another router.</summary>
    /// <param name="target">The identity it is for.</param>
    /// <param name="frame">The frame as its sender sent it, lent for this call.</param>
    /// <param name="origin">Where an error for this frame goes: pass it to <see cref="IRouterFederation.Refuse"/>.</param>
    void OnRemoteFrame(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, object origin);

    /// <summary>A message a local peer sent across the cluster was not delivered; the peer gets an error.</summary>
    void OnRemoteRefusal(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail);

    /// <summary>A newer connection with <paramref name="identity"/> arrived on router <paramref name="router"/>: the one here no longer holds it.</summary>
    void OnIdentityTaken(ReadOnlySpan<byte> identity, string router);

    /// <summary>
    /// With authorized keys: <paramref name="identity"/> is bound to <paramref name="key"/> cluster-wide (the oldest
    /// binding wins, and the federation has settled which that is): no other key may take it here.
    /// </summary>
    void OnBinding(string identity, string key);

    /// <summary>The other routers can be reached again, or no longer.</summary>
    void OnAvailabilityChanged(bool available, string why);

    /// <summary>This router's client table, for another router's <c>clients</c>.</summary>
    IReadOnlyList<ClientInfo> LocalClients();
}

/// <summary>What <see cref="IRouterFederation.Send"/> did.</summary>
internal enum FederationSend
{
    /// <summary>On its way; if it cannot be delivered, the sender hears so.</summary>
    Sent,
    /// <summary>The cluster cannot be reached now: nothing was sent (<c>cluster_unavailable</c>).</summary>
    Unavailable,
    /// <summary>Too many frames are on their way to the cluster already (<c>busy</c>).</summary>
    Busy,
    /// <summary>Larger than the NATS servers take (<c>too_large</c>).</summary>
    TooLarge,
}

/// <summary>The other routers' client rows, and whether every router known to be up answered.</summary>
/// <param name="Rows">Rows with <see cref="ClientInfo.Router"/> set.</param>
/// <param name="Missing">Routers known to be up that did not answer within the gather timeout.</param>
internal sealed record ClusterClients(IReadOnlyList<ClientInfo> Rows, IReadOnlyList<string> Missing);
