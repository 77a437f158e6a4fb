using System.Text;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>NUL-terminated UTF-8 for libzmq's <c>const char*</c> parameters (endpoints, capability names).</summary>
internal static class Utf8Z
{
    /// <summary>
    /// <paramref name="text"/> as UTF-8 plus a NUL, in <paramref name="scratch"/> when it fits
    /// (callers pass stackalloc'd space), else in a new array. Pin the result with <c>fixed</c>.
    /// </summary>
    public static ReadOnlySpan<byte> Encode(string text, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("libzmq text cannot contain a NUL character", nameof(text));
        }
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = length < scratch.Length ? scratch : new byte[length + 1];
        Encoding.UTF8.GetBytes(text, buffer);
        buffer[length] = 0;
        return buffer[..(length + 1)];
    }
}
