using System.Buffers;
using NATS.Client.Core;

namespace Hydra.Cluster;

/// <summary>
/// A NATS subscription that hands each message to the federation on NATS.Net's reader thread,
/// without the channel and message object NATS.Net's own subscriptions make: the payload is
/// lent for the call, so the federation copies what it keeps (<see cref="NatsFederation"/>).
/// </summary>
internal abstract class RawSubscription(NatsConnection connection, string subject, string? queueGroup)
    : NatsSubBase(connection, connection.SubscriptionManager, subject, queueGroup, opts: null)
{
    protected override void TryComplete()
    {
        // nothing buffered here: every message was handed on as it came
    }
}

/// <summary>The subscription of one identity held by this router; in the queue group, so one router gets each message.</summary>
internal sealed class PeerSubscription(NatsFederation federation, NatsConnection connection, string subject, byte[] identity)
    : RawSubscription(connection, subject, ClusterSubjects.QueueGroup)
{
    public byte[] Identity { get; } = identity;

    /// <summary>Loop thread: whether a peer connected here holds the identity, or it is leaving (grace).</summary>
    public bool Held { get; set; }

    /// <summary>Loop thread: when the peer here claimed it (UTC ticks).</summary>
    public long Stamp { get; set; }

    /// <summary>Loop thread: the router that holds the identity now, once this one lost it.</summary>
    public string? NewOwner { get; set; }

    /// <summary>Loop thread: bumped on every claim and release, so a grace timer can tell it is stale.</summary>
    public int Generation { get; set; }

    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        federation.OnPeerFrame(this, replyTo, payloadBuffer);
        return default;
    }
}

/// <summary>A subscription whose messages go to a callback on the reader thread (everything but peer frames).</summary>
internal sealed class CallbackSubscription(NatsConnection connection, string subject, CallbackSubscription.Handler handler)
    : RawSubscription(connection, subject, queueGroup: null)
{
    public delegate void Handler(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload);

    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        handler(subject, replyTo, headersBuffer, payloadBuffer);
        return default;
    }
}
