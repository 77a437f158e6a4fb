using System.Text;
using System.Text.Unicode;

namespace Hydra.Protocol;

/// <summary>How a routing identity is shown to people: in logs, the client table, error details.</summary>
internal static class IdentityText
{
    /// <summary>UTF-8 identities show as text; anything else (e.g. ZeroMQ's generated ids) as <c>0x…</c> hex.</summary>
    public static string Of(ReadOnlySpan<byte> identity) =>
        IsText(identity) ? Encoding.UTF8.GetString(identity) : "0x" + Convert.ToHexStringLower(identity);

    /// <summary>True when the identity reads as text (valid UTF-8, no control characters).</summary>
    public static bool IsText(ReadOnlySpan<byte> identity) =>
        Utf8.IsValid(identity) && !identity.ContainsAnyInRange((byte)0, (byte)31);
}
