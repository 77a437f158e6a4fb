using System.Buffers;
using NATS.Client.Core;

namespace Hydra.Cluster.Nats;

/// <summary>
/// A NATS subscription that hands each message on, on NATS.Net's reader thread, without the
/// channel and message object NATS.Net's own subscriptions make: the payload is lent for the
/// call, so whoever keeps it copies it.
/// </summary>
internal abstract class RawSubscription(NatsConnection connection, string subject)
    : NatsSubBase(connection, connection.SubscriptionManager, subject, queueGroup: null, opts: null)
{
    protected override void TryComplete()
    {
        // nothing buffered here: every message was handed on as it came
    }
}

/// <summary>One of the state machine's subjects (presence, or this router's links): every message goes to the node.</summary>
internal sealed class NodeSubscription(NatsConnection connection, string subject, NatsFederation federation)
    : RawSubscription(connection, subject)
{
    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        federation.OnNodeMessage(payloadBuffer);
        return default;
    }
}

/// <summary>A subscription whose messages go to a callback on the reader thread (the client-table requests and answers).</summary>
internal sealed class CallbackSubscription(NatsConnection connection, string subject, CallbackSubscription.Handler handler)
    : RawSubscription(connection, subject)
{
    public delegate void Handler(string subject, string? replyTo, in ReadOnlySequence<byte> payload);

    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        handler(subject, replyTo, payloadBuffer);
        return default;
    }
}
