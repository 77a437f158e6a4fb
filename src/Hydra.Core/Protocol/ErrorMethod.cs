namespace Hydra.Protocol;

/// <summary><c>error</c>: what went wrong, as <c>payload.code</c> (<see cref="HydraErrorCode"/> on the wire) and <c>payload.detail</c>.</summary>
internal static class ErrorMethod
{
    public const string Name = "error";

    public const string CodeKey = "code";
    public const string DetailKey = "detail";

    public static ReadOnlySpan<byte> CodeKeyUtf8 => "code"u8;
    public static ReadOnlySpan<byte> DetailKeyUtf8 => "detail"u8;
}
