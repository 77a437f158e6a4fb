namespace Hydra.Cluster.State;

/// <summary>
/// What the cluster's state machine (<see cref="ClusterNode"/>) asks of the world around it: NATS
/// to carry its messages, and the routing rules to deliver and answer. Called on the loop thread,
/// from inside the node's own calls.
/// </summary>
internal interface IClusterOutput
{
    /// <summary>
    /// Sends <paramref name="message"/> on <paramref name="subject"/>. The message is written
    /// (<see cref="OutgoingMessage.WriteTo"/>) before this returns, and reused after.
    /// </summary>
    void Publish(string subject, OutgoingMessage message);

    /// <summary>
    /// True while NATS has not taken what was published yet (its buffers are full): the node sends
    /// no stream data until <see cref="ClusterNode.Flush"/> is called again once NATS caught up.
    /// </summary>
    bool IsBackedUp { get; }

    /// <summary>Something waits to be sent: call <see cref="ClusterNode.Flush"/> once the work at hand on the loop thread is done.</summary>
    void RequestFlush();

    /// <summary>A frame for <paramref name="target"/>, held here, from a peer on another router. Pass <paramref name="origin"/> to <see cref="ClusterNode.Refuse"/> if it cannot be delivered.</summary>
    void Deliver(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, Link origin);

    /// <summary>A message a peer here sent to another router was not delivered (or not confirmed): the peer gets an error.</summary>
    void Refused(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail);

    /// <summary>The connection here with <paramref name="hold"/>'s identity lost it to <paramref name="router"/> (a newer connection, or an older key binding).</summary>
    void Taken(NameHold hold, string router);

    /// <summary>With authorized keys: <paramref name="identity"/> is bound to <paramref name="key"/> cluster-wide, so no other key may take it here.</summary>
    void Bound(string identity, string key);
}
