using Hydra.Routing;
using Hydra.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hydra;

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

    /// <summary>
    /// Largest message routed, in bytes. A larger frame, up to <see cref="MaxFrameRead"/>, is read and
    /// answered <c>too_large</c>; past that, ZeroMQ drops the connection from the frame's header alone.
    /// </summary>
    public long MaxMessageSize { get; init; } = 1024 * 1024;

    /// <summary>How many times <see cref="MaxMessageSize"/> a frame may be and still be read, to be refused in words.</summary>
    public const int FrameReadFactor = 4;

    /// <summary>
    /// Largest frame the router reads at all: <see cref="FrameReadFactor"/> × <see cref="MaxMessageSize"/>
    /// (4 MiB by default), so a slip (a 2 MB message) is answered, while an absurd size (a header announcing
    /// a terabyte) never reaches memory. Each peer's queue can hold this many bytes per message.
    /// </summary>
    public long MaxFrameRead => MaxMessageSize > long.MaxValue / FrameReadFactor ? long.MaxValue : MaxMessageSize * FrameReadFactor;

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

    /// <summary>Which ZeroMQ engine carries the messages (<see cref="HydraTransport.Auto"/>: the best this machine has).</summary>
    public HydraTransport Transport { get; init; } = HydraTransport.Auto;

    /// <summary>
    /// Join a cluster of routers that act as one, over NATS (docs/cluster.md): peers on any router
    /// reach peers on every other by name. Null (the default): this router is on its own, and
    /// nothing about it changes.
    /// </summary>
    public Cluster.ClusterOptions? Cluster { get; init; }

    /// <summary>Clock for last-seen times, client status and pruning; tests may pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the router logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>What the transport needs of these options.</summary>
    internal Transport.RouterTransportOptions ForTransport() => new()
    {
        Address = Address,
        Port = Port,
        HeartbeatPort = HeartbeatPort,
        HighWatermark = HighWatermark,
        MaxFrameRead = MaxFrameRead,
        PoolBuffers = PoolBuffers,
        CurveSecretKey = CurveSecretKey,
        AuthorizedKeys = AuthorizedKeys,
        TimeProvider = TimeProvider,
    };

    /// <summary>Throws when the options do not fit together, saying which and why.</summary>
    /// <exception cref="ArgumentException">An option is out of range or contradicts another.</exception>
    internal void Validate()
    {
        CheckPort(Port, nameof(Port));
        CheckPort(HeartbeatPort, nameof(HeartbeatPort));
        if (Port != 0 && Port == HeartbeatPort)
        {
            throw new ArgumentException($"Port and HeartbeatPort are both {Port}: the two ports must differ", nameof(HeartbeatPort));
        }
        if (CurveSecretKey is not null)
        {
            CurveKeyPair.CheckKey(CurveSecretKey, "router's secret key");
        }
        if (AuthorizedKeys is not null && CurveSecretKey is null)
        {
            throw new ArgumentException("AuthorizedKeys needs CurveSecretKey: keys are proven over the encrypted channel", nameof(AuthorizedKeys));
        }
        Cluster?.Validate();
        if (Cluster is not null && MaxIdentityLength > MaxClusterIdentityLength)
        {
            // An identity becomes a NATS subject token (4/3 as long); NATS closes a connection whose control line passes 4,096 bytes.
            throw new ArgumentException($"MaxIdentityLength is {MaxIdentityLength}; in a cluster at most {MaxClusterIdentityLength} (identities travel in NATS subjects)", nameof(MaxIdentityLength));
        }
        if (HighWatermark < 1 || MaxMessageSize < 1 || MaxIdentityLength < 1 || MaxClients < 1 || HeartbeatInterval <= TimeSpan.Zero || PruneAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException("HighWatermark, MaxMessageSize, MaxIdentityLength, MaxClients, HeartbeatInterval and PruneAfter must be positive");
        }
    }

    /// <summary>The longest identity a cluster can carry: its subject token must stay well inside NATS's 4,096-byte control line.</summary>
    internal const int MaxClusterIdentityLength = 2_048;

    internal static void CheckPort(int port, string name)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"{name} must be 0–65535 (0 picks a free port), not {port}", name);
        }
    }
}
