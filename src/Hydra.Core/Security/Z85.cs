namespace Hydra.Security;

/// <summary>
/// ZeroMQ's Z85 text encoding (RFC 32/Z85): every 4 bytes, read as a big-endian number, become
/// 5 characters in base 85. CurveZMQ keys are 32 bytes, so 40 characters.
/// </summary>
internal static class Z85
{
    /// <summary>The 85 digits, in value order.</summary>
    public const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    private static readonly sbyte[] Values = BuildValues();

    /// <summary>Encodes bytes whose length is a multiple of 4.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of 4.</exception>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
        {
            throw new ArgumentException($"Z85 encodes whole 4-byte groups; got {data.Length} bytes", nameof(data));
        }
        var text = new char[data.Length / 4 * 5];
        for (int group = 0, at = 0; group < data.Length; group += 4, at += 5)
        {
            var value = (uint)data[group] << 24 | (uint)data[group + 1] << 16 | (uint)data[group + 2] << 8 | data[group + 3];
            for (var digit = 4; digit >= 0; digit--)
            {
                text[at + digit] = Alphabet[(int)(value % 85)];
                value /= 85;
            }
        }
        return new string(text);
    }

    /// <summary>Decodes Z85 text, or returns null when it is not Z85 (bad length, digit or group value).</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        if (text.Length % 5 != 0)
        {
            return null;
        }
        var data = new byte[text.Length / 5 * 4];
        for (int at = 0, group = 0; at < text.Length; at += 5, group += 4)
        {
            ulong value = 0;
            for (var digit = 0; digit < 5; digit++)
            {
                var c = text[at + digit];
                var digitValue = c < Values.Length ? Values[c] : -1;
                if (digitValue < 0)
                {
                    return null;
                }
                value = value * 85 + (ulong)digitValue;
            }
            // Five digits reach 85^5 - 1, more than 32 bits hold: such a group encodes nothing.
            if (value > uint.MaxValue)
            {
                return null;
            }
            data[group] = (byte)(value >> 24);
            data[group + 1] = (byte)(value >> 16);
            data[group + 2] = (byte)(value >> 8);
            data[group + 3] = (byte)value;
        }
        return data;
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }
        return values;
    }
}
