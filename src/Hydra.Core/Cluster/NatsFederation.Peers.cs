using System.Buffers;
using System.Text.Json;
using Hydra.Protocol;
using Hydra.Routing.Internal;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster;

// Who holds which identity. A router subscribes an identity's subject when a peer with it
// connects, and announces a claim; every router hears every claim, and the newest connection
// wins: a router that held the identity gives it up at once (its stale connection gets nothing
// more) and passes frames still on their way to the new holder. A subscription outlives its
// peer by LeaveGrace, so that no frame on its way is dropped unanswered. Loop thread only.
internal sealed partial class NatsFederation
{
    private readonly Dictionary<byte[], PeerSubscription>.AlternateLookup<ReadOnlySpan<byte>> _held =
        new Dictionary<byte[], PeerSubscription>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    // Authorized keys, cluster-wide: identity (display text) → the key it is bound to, and since when. The oldest binding wins.
    private readonly Dictionary<string, (string Key, long Since)> _bindings = [];
    private long _lastStamp;

    public void Claim(ReadOnlySpan<byte> identity, string? key)
    {
        if (Stopped)
        {
            return; // the router is stopping
        }
        if (!_held.TryGetValue(identity, out var peer))
        {
            var bytes = identity.ToArray();
            peer = new PeerSubscription(this, _nats, _subjects.PeerSubject(identity), bytes);
            _held.Dictionary.Add(bytes, peer);
            Observe(_nats.AddSubAsync(peer, _stopping.Token), $"subscribing {Text(identity)}");
        }
        peer.Held = true;
        peer.NewOwner = null;
        peer.Generation++;
        peer.Stamp = NextStamp();
        if (key is not null)
        {
            _bindings.TryAdd(IdentityText.Of(identity), (key, peer.Stamp));
        }
        PublishClaim(peer.Identity, peer.Stamp);
    }

    public void Release(ReadOnlySpan<byte> identity)
    {
        if (_held.TryGetValue(identity, out var peer) && peer.Held)
        {
            peer.Held = false;
            LeaveLater(peer);
        }
    }

    /// <summary>Keeps listening for <see cref="ClusterOptions.LeaveGrace"/>, then unsubscribes, unless the identity was claimed here again meanwhile.</summary>
    private void LeaveLater(PeerSubscription peer)
    {
        var generation = ++peer.Generation;
        ITimer? timer = null;
        timer = _time.CreateTimer(_ => _loop!.Post(() =>
        {
            timer!.Dispose();
            if (peer.Generation == generation && !peer.Held && Volatile.Read(ref _state) == 1)
            {
                _held.Dictionary.Remove(peer.Identity);
                Observe(peer.DrainAsync(_stopping.Token), $"unsubscribing {Text(peer.Identity)}");
            }
        }), null, _options.LeaveGrace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Loop thread, after NATS came back: claims everything held here again, with the same stamps, so claims made elsewhere meanwhile are settled.</summary>
    private void ClaimAllAgain()
    {
        foreach (var peer in _held.Dictionary.Values)
        {
            if (peer.Held)
            {
                PublishClaim(peer.Identity, peer.Stamp);
            }
        }
    }

    private void PublishClaim(byte[] identity, long stamp)
    {
        if (Stopped)
        {
            return;
        }
        var name = IdentityText.Of(identity);
        var (key, since) = _bindings.TryGetValue(name, out var binding) ? binding : (null, 0L);
        var claim = new ClaimMessage(ClusterSubjects.Token(identity), _options.RouterId, stamp, key, since);
        Observe(_nats.PublishAsync(_subjects.Claims, JsonSerializer.SerializeToUtf8Bytes(claim, ClusterJson.Default.ClaimMessage)), "a claim");
    }

    private long NextStamp()
    {
        _lastStamp = Math.Max(_time.GetUtcNow().UtcTicks, _lastStamp + 1);
        return _lastStamp;
    }

    /// <summary>Reader thread: a claim from any router (ours come back too, and are ignored).</summary>
    private void OnClaimMessage(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload)
    {
        var claim = Read(payload, ClusterJson.Default.ClaimMessage);
        if (claim is null || claim.Router == _options.RouterId || ClusterSubjects.FromToken(claim.Identity) is not { } identity)
        {
            return;
        }
        _loop!.Post(() => OnClaim(identity, claim));
    }

    private void OnClaim(byte[] identity, ClaimMessage claim)
    {
        var lostBinding = claim.Key is not null && !AcceptBinding(identity, claim);
        if (claim.Stamp == 0 || !_held.TryGetValue(identity, out var peer))
        {
            return;
        }
        if (!peer.Held)
        {
            peer.NewOwner ??= lostBinding ? null : claim.Router;
            return;
        }
        var theirsIsNewer = claim.Stamp > peer.Stamp || (claim.Stamp == peer.Stamp && string.CompareOrdinal(claim.Router, _options.RouterId) > 0);
        if (theirsIsNewer && !lostBinding)
        {
            peer.Held = false;
            peer.NewOwner = claim.Router;
            LeaveLater(peer);
            _log.LogInformation("{Identity} connected to router {Router}; the older connection here no longer receives", Text(identity), claim.Router);
            _rules!.OnIdentityTaken(identity, claim.Router);
        }
        else
        {
            // Ours is newer (or theirs uses a key that lost): say so again, so the other router gives it up.
            PublishClaim(peer.Identity, peer.Stamp);
        }
    }

    /// <summary>
    /// A claim with a key: the oldest binding of an identity to a key wins, cluster-wide. Returns
    /// false when the claim's key lost to a binding known here (which is then announced again).
    /// </summary>
    private bool AcceptBinding(byte[] identity, ClaimMessage claim)
    {
        var name = IdentityText.Of(identity);
        if (!_bindings.TryGetValue(name, out var known))
        {
            _bindings[name] = (claim.Key!, claim.BoundSince);
            _rules!.OnBinding(name, claim.Key!);
            return true;
        }
        if (known.Key == claim.Key)
        {
            return true;
        }
        var theirsIsOlder = claim.BoundSince < known.Since || (claim.BoundSince == known.Since && string.CompareOrdinal(claim.Router, _options.RouterId) < 0);
        if (!theirsIsOlder)
        {
            return Conflict(identity, name, claim);
        }
        _bindings[name] = (claim.Key!, claim.BoundSince);
        _rules!.OnBinding(name, claim.Key!);
        if (_held.TryGetValue(identity, out var peer) && peer.Held)
        {
            peer.Held = false;
            LeaveLater(peer);
            _log.LogWarning("{Identity} was bound to key {Key} on router {Router} first; the connection here with another key no longer receives", name, claim.Key, claim.Router);
            _rules.OnIdentityTaken(identity, claim.Router);
        }
        return true;
    }

    private bool Conflict(byte[] identity, string name, ClaimMessage claim)
    {
        _log.LogWarning("Router {Router} let {Identity} in with key {Key}, but the name is bound to another key; the binding known here stands", claim.Router, name, claim.Key);
        // Announce the older binding; stamp 0 says "a binding, not a connection", so nobody gives anything up for it.
        PublishClaim(identity, _held.TryGetValue(identity, out var peer) && peer.Held ? peer.Stamp : 0);
        return false;
    }

    private static T? Read<T>(in ReadOnlySequence<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, type);
        }
        catch (JsonException)
        {
            return default; // not one of ours: ignored
        }
    }
}
