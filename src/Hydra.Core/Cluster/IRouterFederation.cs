using Hydra.Cluster.State;
using Hydra.Protocol;
using Hydra.Transport;

namespace Hydra.Cluster;

/// <summary>
/// The other routers of a cluster, as the routing rules see them (docs/cluster.md). The rules
/// call it for a target that is not held here, and tell it which identities arrive and leave; it
/// tells the rules, on the loop thread, what arrives from the other routers. Knows nothing of
/// ZeroMQ; the rules know nothing of NATS. Made by <see cref="ClusterOptions.Federation"/>.
/// </summary>
internal interface IRouterFederation : IAsyncDisposable
{
    /// <summary>This router's name in the cluster.</summary>
    string RouterId { get; }

    /// <summary>True while this router's connection to the others is up (any thread).</summary>
    bool IsAvailable { get; }

    /// <summary>Counters and link states (any thread; a moment old).</summary>
    ClusterStats Stats { get; }

    /// <summary>Loop thread: bytes the client library that carries the cluster allocated on the routing thread, while that is measured (tests, benchmarks).</summary>
    long AllocatedByClient { get; }

    /// <summary>
    /// Creates what it needs on <paramref name="loop"/> (before the transport starts), then
    /// connects in the background. A cluster that cannot be reached yet is not an error: the
    /// router routes its own peers and answers the rest with <c>cluster_unavailable</c> until it can.
    /// </summary>
    void Start(IFederationRules rules, ITransportLoop loop);

    /// <summary>Loop thread: a connection here takes <paramref name="identity"/>, cluster-wide (the newest connection wins).</summary>
    /// <param name="identity">The peer's routing identity.</param>
    /// <param name="key">The public key it proved, with authorized keys; null otherwise.</param>
    /// <returns>The connection's hold on the name: <see cref="NameHold.IsHeld"/> while frames for it are delivered here.</returns>
    NameHold Claim(ReadOnlySpan<byte> identity, string? key);

    /// <summary>Loop thread: the connection with <paramref name="hold"/> is gone.</summary>
    void Release(NameHold hold);

    /// <summary>
    /// Loop thread: sends <paramref name="frame"/> (copied) to whichever router holds <paramref name="target"/>.
    /// Anything but <see cref="FederationSend.Sent"/> comes with the reason, for the sender. If the
    /// frame is sent and then cannot be delivered, the answer comes back as <see cref="IFederationRules.OnRemoteRefusal"/>.
    /// </summary>
    FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, out string? problem);

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

    /// <summary>A message a local peer sent across the cluster was not delivered (or not confirmed); the peer gets an error.</summary>
    void OnRemoteRefusal(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail);

    /// <summary>A newer connection with <paramref name="identity"/> (or an older key binding) won on router <paramref name="router"/>: the one here no longer holds it.</summary>
    void OnIdentityTaken(ReadOnlySpan<byte> identity, string router);

    /// <summary>
    /// With authorized keys: <paramref name="identity"/> is bound to <paramref name="key"/> cluster-wide (the oldest
    /// binding wins, and the federation has settled which that is): no other key may take it here.
    /// </summary>
    void OnBinding(string identity, string key);

    /// <summary>This router's client table, for another router's <c>clients</c>.</summary>
    IReadOnlyList<ClientInfo> LocalClients();
}

/// <summary>The other routers' client rows, and whether every router known to be up answered.</summary>
/// <param name="Rows">Rows with <see cref="ClientInfo.Router"/> set.</param>
/// <param name="Missing">Routers known to be up that did not answer within the gather timeout.</param>
internal sealed record ClusterClients(IReadOnlyList<ClientInfo> Rows, IReadOnlyList<string> Missing);
