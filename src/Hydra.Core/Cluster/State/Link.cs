using System.Text;
using Hydra.Protocol;

namespace Hydra.Cluster.State;

/// <summary>
/// This router's link to one other router: two sequenced streams over NATS, ours to it and its
/// to us, and the names it holds as its stream told us. Ours keeps every entry until the other
/// router confirms it (<see cref="Log"/>), and is sent again from where it stopped when anything
/// went missing; a stream that cannot go on is closed, and whoever sent what it held is told
/// (docs/cluster.md, "Links"). Loop thread only.
/// </summary>
internal sealed class Link(string router, string subject)
{
    public string Router { get; } = router;

    public byte[] RouterBytes { get; } = Encoding.ASCII.GetBytes(router);

    /// <summary>Where everything for this router goes.</summary>
    public string Subject { get; } = subject;

    /// <summary>The other router's process, as its presence said (0: not heard yet). A new one has lost all state.</summary>
    public ulong Incarnation { get; set; }

    public ClusterLinkState State { get; set; } = ClusterLinkState.Unknown;

    /// <summary>When <see cref="State"/> last changed (time provider timestamp).</summary>
    public long StateSince { get; set; }

    /// <summary>Why it is down, in words, while it is.</summary>
    public string? DownReason { get; set; }

    /// <summary>When anything last came from the other router (time provider timestamp).</summary>
    public long LastHeard { get; set; }

    /// <summary>Clients on the other router, as its last presence said.</summary>
    public int Clients { get; set; }

    // Our stream to it.

    /// <summary>The session of our stream (0 while none is open: the link is down).</summary>
    public ulong OutSession { get; set; }

    /// <summary>Entries not confirmed yet, from the oldest.</summary>
    public LinkLog Log { get; } = new();

    /// <summary>The first entry not sent yet (or to send again).</summary>
    public long SendFrom { get; set; } = 1;

    /// <summary>The newest entry sent at least once in this session.</summary>
    public long SentUpTo { get; set; }

    /// <summary>When the oldest unconfirmed entry last moved forward, or was first sent.</summary>
    public long LastProgress { get; set; }

    /// <summary>Sendings again since the last progress (each waits twice as long as the one before).</summary>
    public int Resends { get; set; }

    // Its stream to us.

    /// <summary>The session of its stream we follow (0: none yet).</summary>
    public ulong InSession { get; set; }

    /// <summary>We closed <see cref="InSession"/> (the link went down): nothing more of it is taken.</summary>
    public bool InClosed { get; set; }

    /// <summary>Its entries handled, all up to this one.</summary>
    public long Handled { get; set; }

    /// <summary>It sent something since we last told it <see cref="AckUpTo"/>.</summary>
    public bool AckOwed { get; set; }

    /// <summary>When the oldest entry not acknowledged yet came (time provider timestamp): an acknowledgement waits a little for traffic to ride on.</summary>
    public long AckOwedSince { get; set; }

    /// <summary>Entries taken since the last acknowledgement.</summary>
    public int Unacknowledged { get; set; }

    /// <summary>Its entries we passed on to another router, not yet confirmed there: we hold our acknowledgement below them.</summary>
    public SortedSet<long> PendingForwards { get; } = [];

    /// <summary>What we acknowledge: everything handled, but not past a frame we passed on that is not yet confirmed where it went.</summary>
    public long AckUpTo => PendingForwards.Count == 0 ? Handled : Math.Min(Handled, PendingForwards.Min - 1);

    /// <summary>Entries in <see cref="Log"/> that are frames we passed on for another router's peer (they resolve that router's acknowledgement when confirmed).</summary>
    public int ForwardsOut { get; set; }

    public long LastNakAt { get; set; }

    /// <summary>The snapshot of its names being received; names not listed in it are dropped at its end.</summary>
    public int Snapshot { get; set; }

    /// <summary>A full snapshot of its names came in the current session.</summary>
    public bool Synced { get; set; }

    /// <summary>The identities it holds, as its stream told us.</summary>
    public Dictionary<byte[], RemoteHold>.AlternateLookup<ReadOnlySpan<byte>> Names { get; } =
        new Dictionary<byte[], RemoteHold>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>In the node's list of links with something to send.</summary>
    public bool Dirty { get; set; }

    public long FramesSent { get; set; }

    /// <summary>NATS messages sent to it (data, acknowledgements, naks): frames per message shows how well they are batched.</summary>
    public long MessagesSent { get; set; }

    public long FramesReceived { get; set; }

    public long EntriesResent { get; set; }

    public long NotConfirmed { get; set; }

    public bool IsUp => State == ClusterLinkState.Up;

    /// <summary>Entries sent and not confirmed yet.</summary>
    public bool AwaitsConfirmation => SendFrom > Log.FirstSeq;

    /// <summary>Opens a new session of our stream (its entries start at 1).</summary>
    public void OpenSession(ulong session, long now)
    {
        OutSession = session;
        Log.Clear();
        ForwardsOut = 0;
        SendFrom = 1;
        SentUpTo = 0;
        LastProgress = now;
        Resends = 0;
    }

    /// <summary>The other router has everything up to <paramref name="seq"/>.</summary>
    public void Confirm(long seq, long now)
    {
        if (seq < Log.FirstSeq)
        {
            return;
        }
        Log.ConfirmUpTo(seq);
        SendFrom = Math.Max(SendFrom, Log.FirstSeq);
        LastProgress = now;
        Resends = 0;
    }

    /// <summary>Starts following a new session of its stream.</summary>
    public void FollowSession(ulong session)
    {
        InSession = session;
        InClosed = false;
        Handled = 0;
        Synced = false;
        PendingForwards.Clear();
    }

    /// <summary>We stop following its stream (the link is down): nothing more of that session is taken, and what we passed on from it is its router's to answer.</summary>
    public void CloseIncoming()
    {
        InClosed = true;
        AckOwed = false;
        PendingForwards.Clear();
    }

    public LinkStats ToStats(TimeProvider time, long now) => new(Router, State, time.GetElapsedTime(StateSince, now), DownReason,
        Log.Count, Log.Bytes, FramesSent, MessagesSent, FramesReceived, EntriesResent, NotConfirmed, Names.Dictionary.Count);
}
