namespace Hydra;

/// <summary>What went wrong, as one word a program can switch on.</summary>
public enum HydraErrorCode
{
    /// <summary>A frame or message could not be understood.</summary>
    BadMessage,
    /// <summary>No peer with the message's target is connected to the router.</summary>
    UnknownTarget,
    /// <summary>The message's <c>sender</c> is not the connection's routing identity.</summary>
    SenderMismatch,
    /// <summary>The receiver has no handler for the message's method.</summary>
    UnknownMethod,
    /// <summary>A queue on the way is full; the message was not taken.</summary>
    Busy,
    /// <summary>The message is larger than the configured maximum.</summary>
    TooLarge,
    /// <summary>The peer has not proved who it is.</summary>
    Unauthorized,
    /// <summary>A handler failed while answering.</summary>
    HandlerFailed,
    /// <summary>No answer came within the time allowed.</summary>
    Timeout,
    /// <summary>The object was used after it was closed.</summary>
    Closed,
    /// <summary>A socket could not be bound or connected.</summary>
    Network,
    /// <summary>
    /// The target is not on this router, and the router it is on cannot be reached now (or this
    /// router lost its NATS connection): the message was not sent anywhere.
    /// </summary>
    ClusterUnavailable,
    /// <summary>
    /// In a cluster: the message went to another router, which stopped answering before it
    /// confirmed it. It may or may not have arrived; it was not sent again.
    /// </summary>
    NotConfirmed,
    /// <summary>An error code this version does not know (kept as text in the exception).</summary>
    Other,
}

/// <summary>Wire names of <see cref="HydraErrorCode"/> (<c>payload.code</c> of an <c>error</c> message).</summary>
public static class HydraErrorCodes
{
    /// <summary>The snake_case name used on the wire, e.g. <c>unknown_target</c>.</summary>
    public static string ToWire(this HydraErrorCode code) => code switch
    {
        HydraErrorCode.BadMessage => "bad_message",
        HydraErrorCode.UnknownTarget => "unknown_target",
        HydraErrorCode.SenderMismatch => "sender_mismatch",
        HydraErrorCode.UnknownMethod => "unknown_method",
        HydraErrorCode.Busy => "busy",
        HydraErrorCode.TooLarge => "too_large",
        HydraErrorCode.Unauthorized => "unauthorized",
        HydraErrorCode.HandlerFailed => "handler_failed",
        HydraErrorCode.Timeout => "timeout",
        HydraErrorCode.Closed => "closed",
        HydraErrorCode.Network => "network",
        HydraErrorCode.ClusterUnavailable => "cluster_unavailable",
        HydraErrorCode.NotConfirmed => "not_confirmed",
        _ => "error",
    };

    /// <summary>Parses a wire name; unknown names give <c>null</c>.</summary>
    public static HydraErrorCode? FromWire(string? wire) =>
        wire is not null && ByWireName.TryGetValue(wire, out var code) ? code : null;

    private static readonly Dictionary<string, HydraErrorCode> ByWireName =
        Enum.GetValues<HydraErrorCode>().ToDictionary(code => code.ToWire(), StringComparer.Ordinal);
}
