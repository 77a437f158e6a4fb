using Hydra.Observability;
namespace Hydra;

/// <summary>
/// Names of the meters and instruments Hydra publishes with <c>System.Diagnostics.Metrics</c>
/// (docs/operations.md lists them with their meanings). Listen with <c>dotnet-counters monitor
/// --counters Hydra.Router</c>, or add them to an OpenTelemetry <c>MeterProvider</c> with
/// <c>AddMeter(HydraMeters.Router, HydraMeters.Peer)</c>. Names follow OpenTelemetry's conventions;
/// a Prometheus exporter turns <c>hydra.router.messages.routed</c> into <c>hydra_router_messages_routed_total</c>.
/// </summary>
public static class HydraMeters
{
    /// <summary>The router's meter: one per running <c>RouterEngine</c>.</summary>
    public const string Router = "Hydra.Router";

    /// <summary>The peer's meter: one per started <c>HydraMQ</c>, its measurements tagged with <see cref="PeerTag"/>.</summary>
    public const string Peer = "Hydra.MQ";

    /// <summary>Tag on refusals: the error code as on the wire (<c>unknown_target</c>, …).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag on answers: the method the router answered (<c>ping</c> or <c>heartbeat</c>).</summary>
    public const string MethodTag = "hydra.method";

    /// <summary>Tag on the client count: <c>GOOD</c>, <c>OK</c> or <c>BAD</c>.</summary>
    public const string ClientStatusTag = "hydra.client.status";

    /// <summary>The tag that names the other router of a cluster link.</summary>
    public const string RouterTag = "hydra.cluster.router";

    /// <summary>Tag on every peer measurement: the peer's identity.</summary>
    public const string PeerTag = "hydra.peer";

    /// <summary>Instrument names of the <see cref="Router"/> meter.</summary>
    public static class RouterInstruments
    {
        /// <summary>Messages received on both ports, heartbeats and refused ones included.</summary>
        public const string Received = "hydra.router.messages.received";
        /// <summary>Messages forwarded to another peer.</summary>
        public const string Routed = "hydra.router.messages.routed";
        /// <summary>Pings and heartbeats the router answered itself, by <see cref="MethodTag"/>.</summary>
        public const string Answered = "hydra.router.messages.answered";
        /// <summary>Messages refused with an error reply, by <see cref="ErrorTypeTag"/>.</summary>
        public const string Refused = "hydra.router.messages.refused";
        /// <summary>Replies the router could not hand to a peer whose queue was full or gone.</summary>
        public const string RepliesUndelivered = "hydra.router.replies.undelivered";
        /// <summary>Trace records skipped because the watcher (the terminal app) fell behind.</summary>
        public const string TraceSkipped = "hydra.router.trace.skipped";
        /// <summary>Clients in the table now, by <see cref="ClientStatusTag"/>.</summary>
        public const string Clients = "hydra.router.clients";
        /// <summary>In a cluster: messages from peers here sent on to other routers.</summary>
        public const string ClusterSent = "hydra.router.cluster.messages.sent";
        /// <summary>In a cluster: messages from peers on other routers delivered here.</summary>
        public const string ClusterReceived = "hydra.router.cluster.messages.received";
        /// <summary>In a cluster: messages sent on that came back refused (no router had the target, or it could not take them).</summary>
        public const string ClusterRefused = "hydra.router.cluster.messages.refused";
        /// <summary>In a cluster: messages sent on whose router stopped answering before it confirmed them (each sender was told <c>not_confirmed</c>).</summary>
        public const string ClusterNotConfirmed = "hydra.router.cluster.messages.not_confirmed";
        /// <summary>In a cluster: link entries sent again (a confirmation was late, or a gap was reported).</summary>
        public const string ClusterResent = "hydra.router.cluster.entries.resent";
        /// <summary>In a cluster: routers reachable now, this one included.</summary>
        public const string ClusterRouters = "hydra.router.cluster.routers";
        /// <summary>In a cluster: 1 while this router's NATS connection is up, else 0.</summary>
        public const string ClusterAvailable = "hydra.router.cluster.available";
        /// <summary>In a cluster: per other router (tag <see cref="RouterTag"/>), 1 while its link is up, else 0.</summary>
        public const string ClusterLinkUp = "hydra.router.cluster.link.up";
        /// <summary>In a cluster: per other router (tag <see cref="RouterTag"/>), bytes sent to it and not yet confirmed.</summary>
        public const string ClusterLinkUnconfirmed = "hydra.router.cluster.link.unconfirmed";
    }

    /// <summary>Instrument names of the <see cref="Peer"/> meter.</summary>
    public static class PeerInstruments
    {
        /// <summary>Messages sent to the router on the main port (heartbeats not counted).</summary>
        public const string Sent = "hydra.mq.messages.sent";
        /// <summary>Messages received from the router on the main port (heartbeat replies not counted).</summary>
        public const string Received = "hydra.mq.messages.received";
        /// <summary>Requests sent that wait for a reply.</summary>
        public const string Requests = "hydra.mq.requests.sent";
        /// <summary>Requests that got no reply in time.</summary>
        public const string Timeouts = "hydra.mq.requests.timed_out";
        /// <summary>Replies that came after their request had timed out.</summary>
        public const string LateReplies = "hydra.mq.replies.late";
        /// <summary>1 while the router answers heartbeats, else 0.</summary>
        public const string Connected = "hydra.mq.connected";
    }
}
