using Hydra.Protocol;

namespace Hydra.Transport.NetMQ;

/// <summary>
/// Exact-size arrays of the identities the router sends to. NetMQ's ROUTER looks a peer up by
/// the address frame's bytes as an array, and copies them into a new one unless the frame's
/// buffer is exactly that long; handing it a cached array makes every send allocation-free.
/// Only identities a send reached are kept, and the cache is bounded, so a peer spraying
/// made-up targets cannot grow it. Loop thread only.
/// </summary>
internal sealed class IdentityArrays(int capacity)
{
    private readonly Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> _bySpan =
        new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    private Dictionary<byte[], byte[]> Known => _bySpan.Dictionary;

    /// <summary>The cached array for <paramref name="identity"/>, or a fresh copy not yet cached.</summary>
    public byte[] Get(ReadOnlySpan<byte> identity, out bool cached)
    {
        cached = _bySpan.TryGetValue(identity, out var bytes);
        return cached ? bytes! : identity.ToArray();
    }

    /// <summary>Keeps an identity a message was just delivered to.</summary>
    public void Remember(byte[] identity)
    {
        if (Known.Count >= capacity)
        {
            Known.Clear(); // rare; the next sends re-learn the live ones
        }
        Known[identity] = identity;
    }

    /// <summary>Forgets an identity that turned out not to be connected, or whose connection closed.</summary>
    public void Forget(ReadOnlySpan<byte> identity) => _bySpan.Remove(identity);
}
