namespace Hydra.Cluster.State;

/// <summary>Where a connection here stands with its identity in the cluster.</summary>
internal enum HoldState : byte
{
    /// <summary>It holds the identity: frames for it are delivered here.</summary>
    Held,
    /// <summary>A newer connection elsewhere (or an older key binding) took it: this one gets nothing more, and may send nothing more, until it reconnects.</summary>
    Taken,
    /// <summary>Its connection closed; its next frame claims the identity again.</summary>
    Released,
}

/// <summary>
/// A connection here that claimed an identity. The router keeps a reference to it on the client
/// entry and reads <see cref="State"/>; only the cluster's state machine changes it.
/// </summary>
internal sealed class NameHold(byte[] identity, long stamp, string? key)
{
    public byte[] Identity { get; } = identity;

    /// <summary>When the connection claimed it (UTC ticks, strictly increasing per router): the newest wins.</summary>
    public long Stamp { get; } = stamp;

    /// <summary>The key the peer proved, with authorized keys.</summary>
    public string? Key { get; } = key;

    public HoldState State { get; internal set; }

    public bool IsHeld => State == HoldState.Held;
}

/// <summary>Another router's claim of an identity, as its link told it.</summary>
internal sealed class RemoteHold(Link link, byte[] identity)
{
    public Link Link { get; } = link;

    public byte[] Identity { get; } = identity;

    public long Stamp { get; set; }

    public string? Key { get; set; }

    /// <summary>The snapshot of the link's names that last listed it; older ones are dropped at the snapshot's end.</summary>
    public int Snapshot { get; set; }
}

/// <summary>"This identity is bound to this key cluster-wide": the oldest binding wins, ties to the lower router id.</summary>
internal readonly record struct Binding(string Key, long Since, string Router)
{
    public bool IsOlderThan(Binding other) =>
        Since < other.Since || (Since == other.Since && string.CompareOrdinal(Router, other.Router) < 0);
}
