using System.Security.Cryptography;
using Hydra.Security;
using NaCl;

namespace Hydra;

/// <summary>
/// A CurveZMQ key pair in Z85 text (40 characters each). The router's pair encrypts both its
/// ports; a peer's pair encrypts its side and, when the router keeps an allow-list, proves who it is.
/// Files holding keys: <see cref="KeyFile"/>.
/// </summary>
public sealed record CurveKeyPair(string PublicKey, string SecretKey)
{
    /// <summary>Bytes in a Curve25519 key.</summary>
    public const int KeyLength = 32;

    /// <summary>A fresh random key pair.</summary>
    public static CurveKeyPair Generate()
    {
        var secretKey = new byte[KeyLength];
        var publicKey = new byte[KeyLength];
        Curve25519XSalsa20Poly1305.KeyPair(secretKey, publicKey);
        var pair = new CurveKeyPair(Z85.Encode(publicKey), Z85.Encode(secretKey));
        CryptographicOperations.ZeroMemory(secretKey);
        return pair;
    }

    /// <summary>The pair that belongs to a secret key.</summary>
    /// <exception cref="ArgumentException">Not a 40-character Z85 key.</exception>
    public static CurveKeyPair FromSecretKey(string secretKey)
    {
        var secret = DecodeSecret(secretKey);
        var pair = new CurveKeyPair(Z85.Encode(Curve25519.ScalarMultiplicationBase(secret)), secretKey);
        CryptographicOperations.ZeroMemory(secret);
        return pair;
    }

    /// <summary>Raw 32 bytes of a Z85 public key.</summary>
    /// <exception cref="ArgumentException">Not a 40-character Z85 key.</exception>
    public static byte[] DecodePublic(string publicKey) => Decode(publicKey, "public key");

    /// <summary>Raw 32 bytes of a Z85 secret key.</summary>
    /// <exception cref="ArgumentException">Not a 40-character Z85 key.</exception>
    public static byte[] DecodeSecret(string secretKey) => Decode(secretKey, "secret key");

    /// <summary>Throws a clear error unless <paramref name="key"/> is a 40-character Z85 key.</summary>
    /// <exception cref="ArgumentException">Not a 40-character Z85 key; the message says what is wrong.</exception>
    public static void CheckKey(string key, string what) => Decode(key, what);

    /// <summary>Why <paramref name="key"/> is not a 40-character Z85 key, or null when it is one.</summary>
    internal static string? KeyProblem(string key, string what)
    {
        if (key.Length != 40 || !key.All(c => Z85.Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            return $"the {what} must be 40 characters of Z85 text (as 'hydra keygen' writes), got {key.Length} characters";
        }
        return Z85.TryDecode(key) is null ? $"the {what} is not valid Z85: a group of 5 characters encodes more than 4 bytes" : null;
    }

    private static byte[] Decode(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key);
        return KeyProblem(key, what) is { } problem ? throw new ArgumentException(problem, nameof(key)) : Z85.TryDecode(key)!;
    }
}
