using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hydra.Routing;

/// <summary>How a <see cref="RouterEngine"/> listens and what it allows.</summary>
public sealed record RouterOptions
{
    /// <summary>Defaults as the original: all interfaces, ports 5757 and 5758.</summary>
    public static RouterOptions Default { get; } = new();

    /// <summary>Interface to bind: <c>*</c> for all, <c>127.0.0.1</c> for this machine only.</summary>
    public string Address { get; init; } = "*";

    /// <summary>Main (message) port; 0 picks a free one (see <see cref="RouterEngine.Port"/>).</summary>
    public int Port { get; init; } = 5757;

    /// <summary>Heartbeat port; 0 picks a free one.</summary>
    public int HeartbeatPort { get; init; } = 5758;

    /// <summary>The peers' heartbeat interval; client status thresholds are multiples of it.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A client not seen for this long is removed from the table.</summary>
    public TimeSpan PruneAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Messages queued per peer and direction before the router stops taking more for it.
    /// When a receiver's queue is full, its senders get a <c>busy</c> error instead of a silent drop.
    /// </summary>
    public int HighWatermark { get; init; } = 10_000;

    /// <summary>Largest frame accepted, in bytes; a peer sending more is disconnected by ZeroMQ before it reaches memory.</summary>
    public long MaxMessageSize { get; init; } = 1024 * 1024;

    /// <summary>Longest routing identity accepted, in bytes; a longer one gets a <c>bad_message</c> error and no table entry.</summary>
    public int MaxIdentityLength { get; init; } = 128;

    /// <summary>Most clients tracked at once; a new one beyond it gets a <c>busy</c> error.</summary>
    public int MaxClients { get; init; } = 100_000;

    /// <summary>
    /// How many routed-message records to buffer for a watcher (the terminal app). 0 turns
    /// tracing off, which keeps the routing path free of allocations.
    /// </summary>
    public int TraceCapacity { get; init; }

    /// <summary>
    /// Let NetMQ reuse frame buffers (pooled by size class) instead of
    /// allocating a new array and counter for every frame it receives; this is what makes routing
    /// nearly allocation-free. NetMQ's pools are process-wide: <see cref="RouterEngine.Start"/> installs
    /// them once for the whole process (peers in the same process benefit too). Turn it off if your
    /// process sets NetMQ's <c>BufferPool</c> or <c>AtomicCounterPool</c> itself.
    /// </summary>
    public bool PoolBuffers { get; init; } = true;

    /// <summary>
    /// The router's CurveZMQ secret key (Z85, as <c>hydra keygen</c> writes). When set, both
    /// ports are encrypted and only peers that know the matching public key can connect.
    /// </summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>
    /// Public keys (Z85) of the peers allowed in. When set (requires <see cref="CurveSecretKey"/>),
    /// a peer must prove it holds one of them before anything is routed from or to it; its
    /// identity is then bound to that key for the router's lifetime.
    /// </summary>
    public IReadOnlyCollection<string>? AuthorizedKeys { get; init; }

    /// <summary>Clock for last-seen times; tests may pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the router logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
