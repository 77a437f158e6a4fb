using Hydra.Protocol;

namespace Hydra.Routing.Internal;

/// <summary>A client as the router tracks it. Touched only on the router's poller thread.</summary>
internal sealed class ClientEntry(byte[] identity, string displayName)
{
    public byte[] Identity { get; } = identity;
    public string DisplayName { get; } = displayName;
    public long LastSeenTimestamp { get; set; }
    public long MessagesIn { get; set; }
    public long MessagesOut { get; set; }
    public bool Connected { get; set; } = true;
    /// <summary>How the peer frames its messages; the router answers it the same way (docs/protocol.md, "Framing").</summary>
    public Envelope Envelope { get; set; }
    /// <summary>In a cluster: whether this connection holds the identity cluster-wide (RouterEngine.Cluster.cs).</summary>
    public ClusterHold Hold { get; set; }
}

/// <summary>
/// Who the router has heard from, keyed by routing identity bytes. Lookups take a span,
/// so the routing path finds a client without allocating.
/// </summary>
internal sealed class ClientTable(TimeProvider time, TimeSpan heartbeatInterval, TimeSpan pruneAfter, int maxClients)
{
    // The span view is made once: GetAlternateLookup checks the comparer's type on every call.
    private readonly Dictionary<byte[], ClientEntry>.AlternateLookup<ReadOnlySpan<byte>> _bySpan =
        new Dictionary<byte[], ClientEntry>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    private Dictionary<byte[], ClientEntry> Clients => _bySpan.Dictionary;

    public int Count => Clients.Count;

    public bool TryGet(ReadOnlySpan<byte> identity, out ClientEntry entry) =>
        _bySpan.TryGetValue(identity, out entry!);

    /// <summary>Marks a client as seen now; adds it when new. Null when the table is full.</summary>
    public ClientEntry? Touch(ReadOnlySpan<byte> identity)
    {
        if (!TryGet(identity, out var entry))
        {
            if (Clients.Count >= maxClients)
            {
                return null;
            }
            var bytes = identity.ToArray();
            entry = new ClientEntry(bytes, IdentityText.Of(bytes));
            Clients.Add(bytes, entry);
        }
        entry.LastSeenTimestamp = time.GetTimestamp();
        entry.Connected = true;
        return entry;
    }

    /// <summary>Drops clients not seen for longer than the prune time; returns their names.</summary>
    public List<string> Prune()
    {
        var now = time.GetTimestamp();
        var gone = new List<string>();
        foreach (var (key, entry) in Clients)
        {
            if (time.GetElapsedTime(entry.LastSeenTimestamp, now) > pruneAfter)
            {
                gone.Add(entry.DisplayName);
                Clients.Remove(key);
            }
        }
        return gone;
    }

    public List<ClientInfo> Snapshot()
    {
        var now = time.GetTimestamp();
        var rows = new List<ClientInfo>(Clients.Count);
        foreach (var entry in Clients.Values)
        {
            var ago = time.GetElapsedTime(entry.LastSeenTimestamp, now);
            rows.Add(new ClientInfo(entry.DisplayName, ClientStatusRule.Of(ago, heartbeatInterval), ago, entry.MessagesIn, entry.MessagesOut, entry.Connected));
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Identity, b.Identity));
        return rows;
    }

}

/// <summary>Compares identity bytes by content; also accepts spans, for allocation-free lookups.</summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
    public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
