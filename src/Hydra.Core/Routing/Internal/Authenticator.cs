using System.Text.Json.Nodes;
using Hydra.Protocol;
using Hydra.Security;

namespace Hydra.Routing.Internal;

/// <summary>
/// The router's side of peer authentication (see <see cref="AuthProof"/>): who is proven on
/// their current connection, which challenge each is answering, and which key owns each
/// identity. Poller thread only.
/// </summary>
internal sealed class Authenticator(string routerSecretKey, IReadOnlyCollection<string> authorizedKeys)
{
    private readonly HashSet<string> _allowed = [.. authorizedKeys];
    private readonly HashSet<byte[]> _proven = new(ByteArrayComparer.Instance);
    private readonly Dictionary<string, (string Key, byte[] Challenge)> _pending = [];
    private readonly Dictionary<string, string> _owners = []; // identity → key, for the router's lifetime
    private readonly Dictionary<byte[], byte[]> _handshakeKeys = new(ByteArrayComparer.Instance); // the same, as bytes, for the per-frame check

    /// <summary>True once the identity has proven its key on its current connection.</summary>
    public bool IsProven(ReadOnlySpan<byte> identity) => _proven.GetAlternateLookup<ReadOnlySpan<byte>>().Contains(identity);

    /// <summary>A closed connection must prove itself again: the next one may be someone else.</summary>
    public void Revoke(ReadOnlySpan<byte> identity)
    {
        _proven.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(identity);
        _pending.Remove(IdentityText.Of(identity));
    }

    /// <summary>Step 1: the peer names its key; the answer is a challenge (base64), or why not.</summary>
    public (string? Challenge, string? Refusal) Begin(string identity, JsonObject payload)
    {
        if (payload[AuthMethod.KeyKey]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return (null, "payload.key must be your public key (Z85)");
        }
        var key = (string)payload[AuthMethod.KeyKey]!;
        if (!_allowed.Contains(key))
        {
            return (null, $"key {key} is not authorized on this router");
        }
        if (_owners.TryGetValue(identity, out var owner) && owner != key)
        {
            return (null, $"identity '{identity}' belongs to another key");
        }
        var challenge = AuthProof.NewChallenge();
        _pending[identity] = (key, challenge);
        return (Convert.ToBase64String(challenge), null);
    }

    /// <summary>Step 2: the sealed challenge. Null when proven, else why not.</summary>
    public string? Complete(byte[] identity, string name, JsonObject payload)
    {
        if (!_pending.Remove(name, out var pending))
        {
            return "no challenge is pending: send 'auth' first";
        }
        byte[] nonce, sealedChallenge;
        try
        {
            nonce = Convert.FromBase64String((string?)payload[AuthMethod.NonceKey] ?? "");
            sealedChallenge = Convert.FromBase64String((string?)payload[AuthMethod.BoxKey] ?? "");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return "payload.nonce and payload.box must be base64 text";
        }
        if (!AuthProof.Verify(pending.Challenge, nonce, sealedChallenge, pending.Key, routerSecretKey))
        {
            return "the proof does not match the key";
        }
        _owners[name] = pending.Key;
        _proven.Add(identity);
        return null;
    }

    /// <summary>
    /// For transports that check keys in the handshake, on every frame: the frame's connection
    /// proved <paramref name="key"/> (Z85). The identity is proven unless it belongs to another
    /// key; the first key to use a name owns it for the router's lifetime, as with the challenge.
    /// Checking each frame's own key (not "proven until the connection closes") means no frame
    /// is ever accepted on another connection's proof, however late a transport learns that a
    /// connection closed. Allocation-free once the name is known.
    /// </summary>
    public bool ProveByHandshake(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            return false;
        }
        if (_handshakeKeys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(identity, out var owner))
        {
            if (owner.AsSpan().SequenceEqual(key))
            {
                return IsProven(identity) || _proven.Add(identity.ToArray()); // back after a closed connection
            }
            Revoke(identity); // another key on this name: its owner's connection is gone, whatever the transport said
            return false;
        }
        var name = IdentityText.Of(identity);
        var keyText = System.Text.Encoding.ASCII.GetString(key);
        if (!_allowed.Contains(keyText) || (_owners.TryGetValue(name, out var ownerText) && ownerText != keyText))
        {
            return false;
        }
        _owners[name] = keyText;
        _handshakeKeys[identity.ToArray()] = key.ToArray();
        _proven.Add(identity.ToArray());
        return true;
    }

    /// <summary>The key <paramref name="identity"/> is bound to here, if any (for the cluster's claims).</summary>
    public string? KeyOf(string identity) => _owners.GetValueOrDefault(identity);

    /// <summary>
    /// In a cluster: <paramref name="identity"/> is bound to <paramref name="key"/> cluster-wide, so
    /// no other key may take it here. When another key had taken the name here first (its claim lost
    /// to an older binding elsewhere), that connection is proven no more: its next frame is refused
    /// as another key's, not served on the proof it had.
    /// </summary>
    public void Bind(string identity, string key)
    {
        if (_owners.TryGetValue(identity, out var previous) && previous != key)
        {
            // Rare (a race between two routers), so a scan is fine here.
            foreach (var bytes in _handshakeKeys.Keys.Concat(_proven).Where(b => IdentityText.Of(b) == identity).ToList())
            {
                _handshakeKeys.Remove(bytes);
                Revoke(bytes);
            }
        }
        _owners[identity] = key;
    }

    /// <summary>Whether a message is one of the two authentication steps (allowed before proof).</summary>
    public static bool IsAuthMethod(ReadOnlySpan<byte> method) =>
        method.SequenceEqual(AuthMethod.NameUtf8) || method.SequenceEqual(AuthMethod.ProofUtf8);
}
