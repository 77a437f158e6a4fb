namespace Hydra.Protocol;

/// <summary><c>ping</c> → <c>pong</c>: the router, or any peer, answers (docs/protocol.md, "Methods"). No payload.</summary>
internal static class PingMethod
{
    public const string Name = "ping";
    public const string Reply = "pong";

    public static ReadOnlySpan<byte> NameUtf8 => "ping"u8;
}
