namespace Hydra.Cluster.State;

// Who holds which identity. A connection here claims its identity; the claim goes down every
// link, in order with the frames, and every router settles the same winner from the same claims:
// the newest connection (among those whose key agrees with the identity's binding). A link's
// session starts with the full list of its router's names, so a router that missed claims while
// a link was down learns them again, and forgets those that went meanwhile.
internal sealed partial class ClusterNode
{
    /// <summary>A connection here with <paramref name="identity"/> takes it, cluster-wide (newest wins).</summary>
    /// <param name="identity">The peer's routing identity.</param>
    /// <param name="key">The public key it proved, with authorized keys; null otherwise.</param>
    public NameHold Claim(ReadOnlySpan<byte> identity, string? key)
    {
        var entry = _names.GetOrAdd(identity);
        if (entry.Local is { } previous)
        {
            Release(previous);
            entry = _names.GetOrAdd(identity);
        }
        var hold = new NameHold(entry.Identity, NextStamp(), key);
        entry.Local = hold;
        _heldHere++;
        if (key is not null)
        {
            MergeBinding(entry.Identity, new Binding(key, hold.Stamp, RouterId));
        }
        Decide(entry);
        if (hold.IsHeld)
        {
            foreach (var link in _links.Dictionary.Values)
            {
                AppendClaim(link, hold);
            }
        }
        return hold;
    }

    /// <summary>The connection with <paramref name="hold"/> is gone; its identity is free here (its next connection claims it again).</summary>
    public void Release(NameHold hold)
    {
        if (hold.State == HoldState.Released)
        {
            return;
        }
        var wasHeld = hold.IsHeld;
        hold.State = HoldState.Released;
        if (wasHeld)
        {
            _heldHere--;
        }
        if (_names.Find(hold.Identity) is { } entry && entry.Local == hold)
        {
            entry.Local = null;
            Decide(entry);
        }
        if (wasHeld)
        {
            AppendReleaseToAll(hold.Identity);
        }
    }

    private long NextStamp()
    {
        _lastStamp = Math.Max(_time.GetUtcNow().UtcTicks, _lastStamp + 1);
        return _lastStamp;
    }

    private void OnRemoteClaim(Link link, ReadOnlySpan<byte> identity, long stamp, string? key)
    {
        NameEntry entry;
        if (link.Names.TryGetValue(identity, out var hold))
        {
            entry = _names.GetOrAdd(identity);
        }
        else
        {
            entry = _names.GetOrAdd(identity);
            hold = new RemoteHold(link, entry.Identity);
            link.Names.Dictionary.Add(entry.Identity, hold);
            entry.Remote.Add(hold);
        }
        hold.Stamp = stamp;
        hold.Key = key;
        hold.Snapshot = link.Snapshot;
        Decide(entry);
    }

    private void OnRemoteRelease(Link link, ReadOnlySpan<byte> identity)
    {
        if (link.Names.TryGetValue(identity, out var hold))
        {
            Drop(hold);
        }
    }

    /// <summary>The end of a link's list of names: those it did not list are no longer held there.</summary>
    private void EndSnapshot(Link link)
    {
        foreach (var hold in link.Names.Dictionary.Values.Where(hold => hold.Snapshot != link.Snapshot).ToList())
        {
            Drop(hold);
        }
        link.Synced = true;
    }

    /// <summary>Forgets another router's claim.</summary>
    private void Drop(RemoteHold hold)
    {
        hold.Link.Names.Dictionary.Remove(hold.Identity);
        if (_names.Find(hold.Identity) is { } entry)
        {
            entry.Remote.Remove(hold);
            Decide(entry);
        }
    }

    /// <summary>Takes a key binding for <paramref name="identity"/> if it is the oldest known; the name's holder may change with it.</summary>
    private void MergeBinding(ReadOnlySpan<byte> identity, Binding binding)
    {
        if (!_names.MergeBinding(identity, binding))
        {
            return;
        }
        _output.Bound(Protocol.IdentityText.Of(identity), binding.Key);
        if (binding.Router == RouterId)
        {
            foreach (var link in _links.Dictionary.Values)
            {
                AppendBinding(link, identity, binding);
            }
        }
        if (_names.Find(identity) is { } entry)
        {
            Decide(entry);
        }
    }

    /// <summary>Settles who holds <paramref name="entry"/>'s identity; when the connection here just lost it, says so to the router and to every link.</summary>
    private void Decide(NameEntry entry)
    {
        if (_names.Decide(entry) is { } taker && entry.Local is { } lost)
        {
            _heldHere--;
            _output.Taken(lost, taker.Link.Router);
            AppendReleaseToAll(lost.Identity);
        }
    }

    /// <summary>Starts a link's session with everything it must know: the names held here, and every key binding known.</summary>
    private void AppendSnapshot(Link link)
    {
        link.Log.Append(EntryKind.SnapshotBegin, 0, out _);
        foreach (var entry in _names.Entries)
        {
            if (entry.Local is { IsHeld: true } hold)
            {
                AppendClaim(link, hold);
            }
        }
        foreach (var (identity, binding) in _names.Bindings)
        {
            AppendBinding(link, identity, binding);
        }
        link.Log.Append(EntryKind.SnapshotEnd, 0, out _);
        MarkDirty(link);
    }

    private void AppendClaim(Link link, NameHold hold)
    {
        if (link.OutSession == 0)
        {
            return; // the link is down: its next session starts with the full list
        }
        var fields = new FieldWriter(link.Log.Append(EntryKind.Claim, FieldWriter.SizeOf(hold.Identity) + 8 + FieldWriter.SizeOf(hold.Key), out _));
        fields.Bytes(hold.Identity);
        fields.Int64(hold.Stamp);
        fields.String(hold.Key);
        MarkDirty(link);
    }

    private void AppendReleaseToAll(byte[] identity)
    {
        foreach (var link in _links.Dictionary.Values)
        {
            if (link.OutSession != 0)
            {
                new FieldWriter(link.Log.Append(EntryKind.Release, FieldWriter.SizeOf(identity), out _)).Bytes(identity);
                MarkDirty(link);
            }
        }
    }

    private void AppendBinding(Link link, ReadOnlySpan<byte> identity, Binding binding)
    {
        if (link.OutSession == 0)
        {
            return;
        }
        var length = FieldWriter.SizeOf(identity) + FieldWriter.SizeOf(binding.Key) + 8 + FieldWriter.SizeOf(binding.Router);
        var fields = new FieldWriter(link.Log.Append(EntryKind.Binding, length, out _));
        fields.Bytes(identity);
        fields.String(binding.Key);
        fields.Int64(binding.Since);
        fields.String(binding.Router);
        MarkDirty(link);
    }
}
