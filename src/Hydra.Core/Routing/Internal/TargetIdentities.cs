namespace Hydra.Routing.Internal;

/// <summary>
/// Identity bytes of targets that are connected but not in the client table (a peer that has
/// only listened so far), so forwarding to them does not copy the name for every message.
/// Only names that a send succeeded to are kept, and the cache is bounded: a peer spraying
/// made-up targets cannot grow it. Poller thread only.
/// </summary>
internal sealed class TargetIdentities(int capacity)
{
    private readonly Dictionary<byte[], byte[]> _known = new(ByteArrayComparer.Instance);

    public int Count => _known.Count;

    /// <summary>The cached bytes for <paramref name="target"/>, or a fresh copy not yet cached.</summary>
    public byte[] Get(ReadOnlySpan<byte> target, out bool cached)
    {
        cached = _known.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(target, out var bytes);
        return cached ? bytes! : target.ToArray();
    }

    /// <summary>Remembers a target a message was just delivered to.</summary>
    public void Remember(byte[] target)
    {
        if (_known.Count >= capacity)
        {
            _known.Clear(); // rare; the next messages re-learn the live ones
        }
        _known[target] = target;
    }

    /// <summary>Forgets a target that turned out not to be connected.</summary>
    public void Forget(ReadOnlySpan<byte> target) => _known.GetAlternateLookup<ReadOnlySpan<byte>>().Remove(target);
}
