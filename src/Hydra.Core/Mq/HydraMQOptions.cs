using Hydra.Mq;
using Hydra.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hydra;

/// <summary>
/// Answers one incoming message. Return a reply (usually <see cref="HydraMsg.CreateReply"/>)
/// to send it back, or null to answer nothing.
/// </summary>
public delegate ValueTask<HydraMsg?> HydraMethodHandler(HydraMsg message, CancellationToken cancellationToken);

/// <summary>How a <see cref="HydraMQ"/> reaches its router and what it answers.</summary>
public sealed record HydraMQOptions
{
    /// <summary>Defaults as the original: <c>localhost:5757</c>, heartbeats on 5758.</summary>
    public static HydraMQOptions Default { get; } = new();

    /// <summary>Host name or address of the router.</summary>
    public string RouterAddress { get; init; } = "localhost";

    /// <summary>The router's main port.</summary>
    public int RouterPort { get; init; } = 5757;

    /// <summary>The router's heartbeat port.</summary>
    public int RouterHeartbeatPort { get; init; } = 5758;

    /// <summary>
    /// This peer's routing identity and <c>sender</c>. Null gives a name unique to this
    /// process, e.g. <c>HydraMQ-3f9a1c</c>, so two peers started with defaults never clash.
    /// </summary>
    public string? Identity { get; init; }

    /// <summary>Time between heartbeats; the peer counts as connected while a reply is at most 2 × this old.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The one timeout of a peer (the original's network timeout): how long <see cref="HydraMQ.ReceiveAsync"/>,
    /// <see cref="HydraMQ.RequestAsync"/>, a ping and <see cref="HydraMQ.WaitUntilConnectedAsync"/> wait before
    /// they throw <see cref="HydraTimeoutException"/>. To give up sooner on one call, pass a cancellation token.
    /// </summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Method handlers (the original's <c>srv_methods</c>). When set, a request for a method
    /// not in here gets an <c>unknown_method</c> error reply.
    /// </summary>
    public IReadOnlyDictionary<string, HydraMethodHandler>? Methods { get; init; }

    /// <summary>
    /// Messages waiting for <see cref="HydraMQ.ReceiveAsync"/> (or for a handler). When full, the
    /// sender of a further message gets a <c>busy</c> error reply instead of a silent drop.
    /// </summary>
    public int InboxCapacity { get; init; } = 10_000;

    /// <summary>Messages queued towards the router before <see cref="HydraMQ.SendAsync"/> reports <c>busy</c>.</summary>
    public int HighWatermark { get; init; } = 10_000;

    /// <summary>Largest frame sent or accepted (the router's default limit too); larger sends fail with <c>too_large</c>.</summary>
    public long MaxMessageSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// The router's CurveZMQ public key (Z85). When set, both sockets are encrypted, the peer
    /// proves its key to the router on connecting (and again after any reconnection), and
    /// sends wait until that is done.
    /// </summary>
    public string? CurveServerKey { get; init; }

    /// <summary>
    /// This peer's own CurveZMQ secret key (Z85). Needed when the router admits authorized keys
    /// only; without it a fresh key pair is made, which encrypts but is on no allow-list.
    /// </summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>Which ZeroMQ engine carries the messages (<see cref="HydraTransport.Auto"/>: the best this machine has).</summary>
    public HydraTransport Transport { get; init; } = HydraTransport.Auto;

    /// <summary>
    /// Let a reply without <c>reply_to</c> answer the oldest request still waiting for its sender
    /// (first in, first out per target, whatever the methods), as the Python original reads the
    /// next message as the answer. Needed with the original's peers, which write no
    /// <c>reply_to</c> (they answer <c>ping</c> with <c>pong</c> and <c>x</c> with <c>x_reply</c>), and
    /// through a Python router, which strips <c>id</c> and <c>reply_to</c>. A reply with
    /// <c>reply_to</c> still answers exactly its request; one without is still told apart (its
    /// <see cref="HydraMsg.ReplyTo"/> is null).
    /// <para>
    /// A message without <c>reply_to</c> counts as a reply unless it is a request of its own: from the
    /// router, anything but an <c>error</c>; from a peer, anything but <c>ping</c>, <c>heartbeat</c>, a
    /// method in <see cref="Methods"/>, or a message with an <c>id</c> whose method is not a reply's
    /// (<c>pong</c>, <c>heartbeat_reply</c>, <c>error</c>, <c>…_reply</c>). Those go to handlers or the inbox.
    /// </para>
    /// <para>
    /// A request that times out keeps its reply owed: a reply from that target that finds no request
    /// waiting is taken as that late one and raises <see cref="HydraMQ.LateReply"/> instead of reaching
    /// the inbox. Without ids nothing tells a late reply from the next one: if a newer request to the
    /// same target is waiting when it comes, it answers that one, and the newer one's own reply is then
    /// the late one. Off by default: exact matching only.
    /// </para>
    /// </summary>
    public bool MatchUncorrelatedReplies { get; init; }

    /// <summary>Clock for heartbeat ages and the heartbeat timer.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the peer logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>What the transport needs of these options.</summary>
    internal Transport.PeerTransportOptions ForTransport() => new()
    {
        RouterAddress = RouterAddress,
        RouterPort = RouterPort,
        RouterHeartbeatPort = RouterHeartbeatPort,
        HighWatermark = HighWatermark,
        MaxMessageSize = MaxMessageSize,
        CurveServerKey = CurveServerKey,
        LoggerFactory = LoggerFactory,
    };
}

/// <summary>Shortcuts for writing handlers.</summary>
public static class HydraHandlers
{
    /// <summary>Wraps a synchronous handler.</summary>
    public static HydraMethodHandler Sync(Func<HydraMsg, HydraMsg?> handler) =>
        (message, _) => ValueTask.FromResult(handler(message));
}
