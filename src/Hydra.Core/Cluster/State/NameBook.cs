using Hydra.Protocol;

namespace Hydra.Cluster.State;

/// <summary>Everything known about one identity: the connection here that claims it, the other routers' claims, and who wins.</summary>
internal sealed class NameEntry(byte[] identity)
{
    public byte[] Identity { get; } = identity;

    public string Text { get; } = IdentityText.Of(identity);

    /// <summary>The connection here that claims it, if any (held, or taken by a newer one elsewhere).</summary>
    public NameHold? Local { get; set; }

    /// <summary>Other routers' claims; usually none or one.</summary>
    public List<RemoteHold> Remote { get; } = new(1);

    /// <summary>The claim that wins: the local one (<see cref="LocalWins"/>), a remote one, or none.</summary>
    public RemoteHold? Winner { get; set; }

    public bool LocalWins { get; set; }

    public bool IsEmpty => Local is null && Remote.Count == 0;
}

/// <summary>
/// The cluster's directory: who holds each identity, from this router's own claims and the claims
/// every other router sent down its link; and which key each identity is bound to. The newest
/// claim wins (ties to the higher router id), among claims whose key agrees with the binding.
/// Loop thread only.
/// </summary>
internal sealed class NameBook(string routerId)
{
    private readonly Dictionary<byte[], NameEntry>.AlternateLookup<ReadOnlySpan<byte>> _entries =
        new Dictionary<byte[], NameEntry>(Protocol.ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    private readonly Dictionary<byte[], Binding>.AlternateLookup<ReadOnlySpan<byte>> _bindings =
        new Dictionary<byte[], Binding>(Protocol.ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    public int Count => _entries.Dictionary.Count;

    public IEnumerable<NameEntry> Entries => _entries.Dictionary.Values;

    /// <summary>Every key binding known, by identity; kept for the router's lifetime, as a lone router keeps its own.</summary>
    public IReadOnlyDictionary<byte[], Binding> Bindings => _bindings.Dictionary;

    public NameEntry? Find(ReadOnlySpan<byte> identity) => _entries.TryGetValue(identity, out var entry) ? entry : null;

    public NameEntry GetOrAdd(ReadOnlySpan<byte> identity)
    {
        if (!_entries.TryGetValue(identity, out var entry))
        {
            var bytes = identity.ToArray();
            entry = new NameEntry(bytes);
            _entries.Dictionary.Add(bytes, entry);
        }
        return entry;
    }

    public Binding? BindingOf(ReadOnlySpan<byte> identity) => _bindings.TryGetValue(identity, out var binding) ? binding : null;

    /// <summary>Takes <paramref name="binding"/> if the identity has none yet or it is older; true when it changed.</summary>
    public bool MergeBinding(ReadOnlySpan<byte> identity, Binding binding)
    {
        if (_bindings.TryGetValue(identity, out var known) && (known == binding || !binding.IsOlderThan(known)))
        {
            return false;
        }
        _bindings[identity] = binding;
        return true;
    }

    /// <summary>
    /// Settles who wins <paramref name="entry"/>. Returns the claim that took the identity from the
    /// connection here when that happened just now (its state is then <see cref="HoldState.Taken"/>).
    /// Drops the entry when nobody claims it any more.
    /// </summary>
    public RemoteHold? Decide(NameEntry entry)
    {
        var binding = BindingOf(entry.Identity);
        RemoteHold? best = null;
        foreach (var hold in entry.Remote)
        {
            if (Agrees(hold.Key, binding) && (best is null || IsNewer(hold.Stamp, hold.Link.Router, best.Stamp, best.Link.Router)))
            {
                best = hold;
            }
        }
        var local = entry.Local;
        var localCounts = local is { State: HoldState.Held } && Agrees(local.Key, binding);
        var localWins = localCounts && (best is null || IsNewer(local!.Stamp, routerId, best.Stamp, best.Link.Router));
        entry.LocalWins = localWins;
        entry.Winner = localWins ? null : best;
        if (entry.IsEmpty)
        {
            _entries.Dictionary.Remove(entry.Identity);
        }
        if (local is { State: HoldState.Held } && !localWins)
        {
            local.State = HoldState.Taken;
            return best;
        }
        return null;
    }

    /// <summary>Whether a claim with <paramref name="key"/> may hold an identity bound as <paramref name="binding"/>.</summary>
    private static bool Agrees(string? key, Binding? binding) => key is null || binding is null || binding.Value.Key == key;

    private static bool IsNewer(long stamp, string router, long otherStamp, string otherRouter) =>
        stamp > otherStamp || (stamp == otherStamp && string.CompareOrdinal(router, otherRouter) > 0);
}
