using System.Text;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// CURVE keys through libzmq itself (zmq_curve_keypair, zmq_curve_public, Z85), so a libzmq
/// transport needs no other crypto library. Keys are 32 bytes; Z85 text is 40 characters.
/// </summary>
internal static unsafe class ZmqCurve
{
    public const int KeySize = 32;
    public const int Z85KeyLength = 40;

    /// <summary>A fresh key pair in Z85 text.</summary>
    /// <exception cref="ZmqException">libzmq was built without CURVE (ENOTSUP).</exception>
    public static (string PublicKey, string SecretKey) NewKeyPair()
    {
        var publicKey = stackalloc byte[Z85KeyLength + 1];
        var secretKey = stackalloc byte[Z85KeyLength + 1];
        if (ZmqNative.zmq_curve_keypair(publicKey, secretKey) != 0)
        {
            throw ZmqException.Last("zmq_curve_keypair");
        }
        return (Text(publicKey), Text(secretKey));
    }

    /// <summary>The Z85 public key that belongs to a Z85 secret key.</summary>
    public static string PublicKeyOf(string secretKey)
    {
        CheckZ85Key(secretKey);
        var publicKey = stackalloc byte[Z85KeyLength + 1];
        var secret = stackalloc byte[Z85KeyLength + 1];
        Encoding.ASCII.GetBytes(secretKey, new Span<byte>(secret, Z85KeyLength));
        secret[Z85KeyLength] = 0;
        if (ZmqNative.zmq_curve_public(publicKey, secret) != 0)
        {
            throw ZmqException.Last("zmq_curve_public");
        }
        return Text(publicKey);
    }

    /// <summary>32 key bytes as 40 characters of Z85 (what the ZAP handler's user id is made of).</summary>
    public static string Z85Encode(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"a CURVE key is {KeySize} bytes, not {key.Length}", nameof(key));
        }
        var text = stackalloc byte[Z85KeyLength + 1];
        fixed (byte* data = key)
        {
            _ = ZmqNative.zmq_z85_encode(text, data, KeySize); // fails only for a size not divisible by 4
        }
        return Text(text);
    }

    /// <summary>40 characters of Z85 back to the 32 key bytes.</summary>
    public static byte[] Z85Decode(string text)
    {
        CheckZ85Key(text);
        var key = new byte[KeySize];
        var z85 = stackalloc byte[Z85KeyLength + 1];
        Encoding.ASCII.GetBytes(text, new Span<byte>(z85, Z85KeyLength));
        z85[Z85KeyLength] = 0;
        fixed (byte* destination = key)
        {
            if (ZmqNative.zmq_z85_decode(destination, z85) is null)
            {
                throw new ArgumentException("not valid Z85 text", nameof(text));
            }
        }
        return key;
    }

    private static void CheckZ85Key(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != Z85KeyLength || !Ascii.IsValid(text))
        {
            throw new ArgumentException($"a Z85 CURVE key is {Z85KeyLength} ASCII characters", nameof(text));
        }
    }

    private static string Text(byte* z85) => Encoding.ASCII.GetString(z85, Z85KeyLength);
}
