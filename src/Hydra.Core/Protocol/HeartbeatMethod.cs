namespace Hydra.Protocol;

/// <summary><c>heartbeat</c> → <c>heartbeat_reply</c>, on the heartbeat socket, to the router only. No payload.</summary>
internal static class HeartbeatMethod
{
    public const string Name = "heartbeat";
    public const string Reply = "heartbeat_reply";

    public static ReadOnlySpan<byte> NameUtf8 => "heartbeat"u8;
}
