namespace Hydra.Protocol;

/// <summary>
/// The key proof, peer and router (docs/protocol.md, "Authorized keys"): <c>auth</c> {key} →
/// <c>auth_challenge</c> {challenge}; <c>auth_proof</c> {nonce, box} → <c>auth_ok</c> or an <c>unauthorized</c> error.
/// </summary>
internal static class AuthMethod
{
    public const string Name = "auth";
    public const string Challenge = "auth_challenge";
    public const string Proof = "auth_proof";
    public const string Ok = "auth_ok";

    public static ReadOnlySpan<byte> NameUtf8 => "auth"u8;
    public static ReadOnlySpan<byte> ProofUtf8 => "auth_proof"u8;

    /// <summary><c>auth</c>: the peer's public key (Z85).</summary>
    public const string KeyKey = "key";

    /// <summary><c>auth_challenge</c>: random bytes to seal (base64).</summary>
    public const string ChallengeKey = "challenge";
    public static ReadOnlySpan<byte> ChallengeKeyUtf8 => "challenge"u8;

    /// <summary><c>auth_proof</c>: the box's nonce and the sealed challenge (base64).</summary>
    public const string NonceKey = "nonce";
    public const string BoxKey = "box";
}
