namespace Hydra.Routing.Internal;

/// <summary>
/// Identity bytes of targets that are connected but not in the client table (a peer that has
/// only listened so far), so forwarding to them does not copy the name for every message.
/// Only names that a send succeeded to are kept, and the cache is bounded: a peer spraying
/// made-up targets cannot grow it. Poller thread only.
/// </summary>
internal sealed class TargetIdentities(int capacity)
{
    private readonly Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _bySpan =
        new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    private Dictionary<byte[], byte[]> Known => _bySpan.Dictionary;

    public int Count => Known.Count;

    /// <summary>The cached bytes for <paramref name="target"/>, or a fresh copy not yet cached.</summary>
    public byte[] Get(ReadOnlySpan<byte> target, out bool cached)
    {
        cached = _bySpan.TryGetValue(target, out var bytes);
        return cached ? bytes! : target.ToArray();
    }

    /// <summary>Remembers a target a message was just delivered to.</summary>
    public void Remember(byte[] target)
    {
        if (Known.Count >= capacity)
        {
            Known.Clear(); // rare; the next messages re-learn the live ones
        }
        Known[target] = target;
    }

    /// <summary>Forgets a target that turned out not to be connected.</summary>
    public void Forget(ReadOnlySpan<byte> target) => _bySpan.Remove(target);
}
