using Hydra.Protocol;

namespace Hydra.Routing.Internal;

/// <summary>
/// Who the router has heard from, keyed by routing identity bytes. Lookups take a span,
/// so the routing path finds a client without allocating.
/// </summary>
internal sealed class ClientTable(TimeProvider time, TimeSpan pruneAfter, int maxClients)
{
    // The span view is made once: GetAlternateLookup checks the comparer's type on every call.
    private readonly Dictionary<byte[], ClientEntry>.AlternateLookup<ReadOnlySpan<byte>> _bySpan =
        new Dictionary<byte[], ClientEntry>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    private ClientEntry[] _members = [];
    private bool _membersStale;

    private Dictionary<byte[], ClientEntry> Clients => _bySpan.Dictionary;

    public int Count => Clients.Count;

    public bool TryGet(ReadOnlySpan<byte> identity, out ClientEntry entry) =>
        _bySpan.TryGetValue(identity, out entry!);

    /// <summary>Marks a client as seen now; adds it when new. Null when the table is full.</summary>
    public ClientEntry? Touch(ReadOnlySpan<byte> identity) => Touch(identity, time.GetTimestamp());

    /// <summary>Marks a client as seen at <paramref name="timestamp"/> (the time provider's); adds it when new. Null when the table is full.</summary>
    public ClientEntry? Touch(ReadOnlySpan<byte> identity, long timestamp)
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
            _membersStale = true;
        }
        entry.LastSeenTimestamp = timestamp;
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
                _membersStale = true;
            }
        }
        return gone;
    }

    /// <summary>
    /// Who is in the table now: the same array for as long as nobody joins or leaves, so asking
    /// costs the routing thread nothing in steady state. Read the rows off it elsewhere (<see cref="ClientRows"/>).
    /// </summary>
    public ClientEntry[] Members()
    {
        if (_membersStale)
        {
            _members = [.. Clients.Values];
            _membersStale = false;
        }
        return _members;
    }
}
