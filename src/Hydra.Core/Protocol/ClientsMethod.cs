namespace Hydra.Protocol;

/// <summary>
/// <c>clients</c> {offset?, limit?} → <c>clients</c>, a page of the client table
/// (docs/protocol.md, "The client table and clients"); <see cref="ClientsReply"/> reads the request and writes the reply.
/// </summary>
internal static class ClientsMethod
{
    public const string Name = "clients";

    public static ReadOnlySpan<byte> NameUtf8 => "clients"u8;

    public const string OffsetKey = "offset";
    public const string LimitKey = "limit";
}
