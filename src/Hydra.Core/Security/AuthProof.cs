using System.Security.Cryptography;
using NaCl;

namespace Hydra.Security;

/// <summary>
/// Proof that a peer holds the secret half of a public key. NetMQ has no ZAP handler, so the
/// router cannot see a client's CURVE key in the handshake; instead, over the encrypted
/// channel, the router sends a random challenge and the peer returns it sealed in a NaCl box
/// from its secret key to the router's public key. Only the holder of the peer's secret key
/// can make a box the router opens with (router secret, peer public).
/// </summary>
internal static class AuthProof
{
    /// <summary>Bytes in a challenge.</summary>
    public const int ChallengeLength = 32;

    /// <summary>A fresh random challenge.</summary>
    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(ChallengeLength);

    /// <summary>Seals the challenge: returns the nonce and the box.</summary>
    public static (byte[] Nonce, byte[] Box) Prove(ReadOnlySpan<byte> challenge, string peerSecretKey, string routerPublicKey)
    {
        using var box = new Curve25519XSalsa20Poly1305(CurveKeyPair.DecodeSecret(peerSecretKey), CurveKeyPair.DecodePublic(routerPublicKey));
        var nonce = RandomNumberGenerator.GetBytes(XSalsa20Poly1305.NonceLength);
        var sealedChallenge = new byte[challenge.Length + XSalsa20Poly1305.TagLength];
        box.Encrypt(sealedChallenge, challenge, nonce);
        return (nonce, sealedChallenge);
    }

    /// <summary>True when the box opens with (router secret, peer public) and holds the challenge.</summary>
    public static bool Verify(ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedChallenge, string peerPublicKey, string routerSecretKey)
    {
        if (nonce.Length != XSalsa20Poly1305.NonceLength || sealedChallenge.Length != challenge.Length + XSalsa20Poly1305.TagLength)
        {
            return false;
        }
        using var box = new Curve25519XSalsa20Poly1305(CurveKeyPair.DecodeSecret(routerSecretKey), CurveKeyPair.DecodePublic(peerPublicKey));
        var opened = new byte[challenge.Length];
        return box.TryDecrypt(opened, sealedChallenge, nonce) && CryptographicOperations.FixedTimeEquals(opened, challenge);
    }
}
