using Microsoft.Extensions.Logging;

namespace Hydra.Transport;

/// <summary>What a router's transport needs: built by the router from its options, so that transports know nothing of the rules.</summary>
internal sealed record RouterTransportOptions
{
    /// <summary>Interface to bind, "*" for all.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    public required int HeartbeatPort { get; init; }

    /// <summary>Messages queued per peer before sends to it are refused.</summary>
    public required int HighWatermark { get; init; }

    /// <summary>Largest frame read; ZeroMQ drops a connection that announces a larger one.</summary>
    public required long MaxFrameRead { get; init; }

    /// <summary>Frames borrow pooled buffers instead of allocating (NetMQ).</summary>
    public required bool PoolBuffers { get; init; }

    /// <summary>The router's CURVE secret key (Z85), or null for plain TCP.</summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>Client public keys (Z85) allowed to connect, checked in the handshake where the engine can; null for any.</summary>
    public IReadOnlyCollection<string>? AuthorizedKeys { get; init; }

    /// <summary>The router's clock: when a batch of frames was taken.</summary>
    public required TimeProvider TimeProvider { get; init; }
}

/// <summary>What a peer's transport needs: built by the peer from its options.</summary>
internal sealed record PeerTransportOptions
{
    public required string RouterAddress { get; init; }

    public required int RouterPort { get; init; }

    public required int RouterHeartbeatPort { get; init; }

    public required int HighWatermark { get; init; }

    public required long MaxMessageSize { get; init; }

    /// <summary>The router's CURVE public key (Z85), or null for plain TCP.</summary>
    public string? CurveServerKey { get; init; }

    public required ILoggerFactory LoggerFactory { get; init; }
}
