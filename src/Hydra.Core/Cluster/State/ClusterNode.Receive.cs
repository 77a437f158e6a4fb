using Hydra.Protocol;

namespace Hydra.Cluster.State;

// Messages in from other routers. A link's stream is taken strictly in order: an entry already
// handled is skipped, one past a gap is not taken (the sender is asked for the gap), so every
// entry is handled once. Acknowledgements ride on every data message; one is applied only once
// everything the other router had written before it has arrived here, so that a refusal it
// wrote for a frame of ours is never lost behind the confirmation of that frame.
internal sealed partial class ClusterNode
{
    private long _framesReceived;
    private long _refusedElsewhere;
    private (Link? Link, long Seq) _handling; // the entry being handled, while a frame from it is delivered

    /// <summary>Anything that came on <see cref="PresenceSubject"/> or <see cref="LinkSubject"/>.</summary>
    public void OnMessage(ReadOnlySpan<byte> message)
    {
        if (!LinkWire.TryReadHeader(message, out var header, out var body))
        {
            Malformed("an unreadable message");
            return;
        }
        if (header.From.SequenceEqual(_routerBytes))
        {
            if (header.Kind == MessageKind.Presence && header.FromIncarnation != Incarnation)
            {
                _log.LogSameRouterId(RouterId);
            }
            return; // our own presence, back from NATS
        }
        switch (header.Kind)
        {
            case MessageKind.Presence:
                OnPresence(header, body);
                break;
            case MessageKind.Data:
                OnData(header, body);
                break;
            case MessageKind.Nak:
                OnNak(header, body);
                break;
            default:
                Malformed("a message of an unknown kind");
                break;
        }
    }

    private void OnPresence(in MessageHeader header, ReadOnlySpan<byte> body)
    {
        if (!LinkWire.TryReadPresence(body, out var clients, out var stopping))
        {
            Malformed("an unreadable presence");
            return;
        }
        if (!_links.TryGetValue(header.From, out var link))
        {
            if (stopping || !IsRouterId(header.From))
            {
                return;
            }
            var router = System.Text.Encoding.ASCII.GetString(header.From);
            link = new Link(router, LinkSubjectOf(router));
            _links.Dictionary.Add(link.RouterBytes, link);
            if (_connected)
            {
                PublishPresence(); // so a router that just came hears of this one without waiting a whole interval
            }
        }
        if (!Heard(link, header.FromIncarnation))
        {
            return;
        }
        if (stopping)
        {
            Forget(link, $"router {link.Router} stopped", saidGoodbye: true);
            return;
        }
        link.Clients = clients;
        if (!link.IsUp && _connected && !_stopping)
        {
            Up(link);
        }
    }

    /// <summary>
    /// Something came from <paramref name="link"/>'s router, process <paramref name="incarnation"/>:
    /// false when that is an older process than the one known (a late message: ignored).
    /// </summary>
    private bool Heard(Link link, ulong incarnation)
    {
        if (incarnation < link.Incarnation)
        {
            return false;
        }
        if (incarnation > link.Incarnation)
        {
            if (link.Incarnation != 0)
            {
                Down(link, $"router {link.Router} restarted");
            }
            link.Incarnation = incarnation;
            link.FollowSession(0); // a new process: its sessions start again
        }
        link.LastHeard = Now;
        return true;
    }

    private void OnData(in MessageHeader header, ReadOnlySpan<byte> body)
    {
        if (!_links.TryGetValue(header.From, out var link) || !Heard(link, header.FromIncarnation) || header.ToIncarnation != Incarnation || !link.IsUp)
        {
            return; // not for this process, or a link that is down: its router starts over once the link is up again
        }
        if (!LinkWire.TryReadData(body, out var data, out var entries))
        {
            Malformed("an unreadable data message");
            return;
        }
        if (data.Session != link.InSession || link.InClosed)
        {
            if (data.Session > link.InSession && data.FirstSeq == 1 && data.Count > 0)
            {
                link.FollowSession(data.Session);
            }
            else
            {
                // Its start went missing (ask for it), or it is a session closed here (it must start a new one).
                PublishNak(link, data.Session, data.Session > link.InSession ? 1 : 0);
                return;
            }
        }
        if (data.FirstSeq > link.Handled + 1)
        {
            PublishNak(link, data.Session, link.Handled + 1);
            return;
        }
        var seq = data.FirstSeq;
        for (var i = 0; i < data.Count; i++, seq++)
        {
            if (!LinkWire.TryReadEntry(ref entries, out var kind, out var entry))
            {
                Malformed("a data message with a broken entry");
                PublishNak(link, data.Session, link.Handled + 1);
                break;
            }
            if (seq > link.Handled)
            {
                Handle(link, kind, entry);
                link.Handled = seq;
            }
        }
        if (data.Count > 0)
        {
            OweAck(link, data.Count); // entries, even repeated ones, are acknowledged; an acknowledgement alone is not
        }
        if (data.AckSession == link.OutSession && link.OutSession != 0 && link.Handled >= data.LastSeq)
        {
            Confirm(link, data.AckUpTo);
        }
        else if (data.Count == 0 && link.Handled < data.LastSeq)
        {
            PublishNak(link, data.Session, link.Handled + 1); // it wrote more than came: the rest was lost
        }
    }

    private void OnNak(in MessageHeader header, ReadOnlySpan<byte> body)
    {
        if (!_links.TryGetValue(header.From, out var link) || !Heard(link, header.FromIncarnation) || header.ToIncarnation != Incarnation || !link.IsUp)
        {
            return;
        }
        if (!LinkWire.TryReadNak(body, out var session, out var expected))
        {
            Malformed("an unreadable nak");
            return;
        }
        if (session != link.OutSession)
        {
            return; // about a session already replaced
        }
        if (expected == 0)
        {
            // It has closed our session (it took the link for down): start over.
            Restart(link, $"router {link.Router} closed the link's session");
            return;
        }
        if (expected >= link.Log.FirstSeq)
        {
            SendAgainFrom(link, expected);
        }
        // else: a late one, for entries it has confirmed since
    }

    private void Handle(Link link, EntryKind kind, ReadOnlySpan<byte> body)
    {
        var fields = new FieldReader(body);
        switch (kind)
        {
            case EntryKind.Frame when fields.TryBytes(out var target):
                link.FramesReceived++;
                _handling = (link, link.Handled + 1);
                Receive(target, fields.Rest, link, hops: 0);
                _handling = default;
                break;
            case EntryKind.Forwarded when fields.TryBytes(out _) && fields.TryInt64(out _) && fields.TryInt64(out _) && fields.TryByte(out var hops) && fields.TryBytes(out var target):
                link.FramesReceived++;
                _handling = (link, link.Handled + 1);
                Receive(target, fields.Rest, link, hops);
                _handling = default;
                break;
            case EntryKind.Answered:
                break; // a frame the other router has answered already; this copy was sent again
            case EntryKind.Refusal:
                OnRefusal(link, fields);
                break;
            case EntryKind.Claim when fields.TryBytes(out var identity) && fields.TryInt64(out var stamp) && fields.TryString(out var key):
                OnRemoteClaim(link, identity, stamp, key.Length == 0 ? null : key);
                break;
            case EntryKind.Release when fields.TryBytes(out var identity):
                OnRemoteRelease(link, identity);
                break;
            case EntryKind.Binding when fields.TryBytes(out var identity) && fields.TryString(out var key) && fields.TryInt64(out var since) && fields.TryString(out var router):
                MergeBinding(identity, new Binding(key, since, router));
                break;
            case EntryKind.SnapshotBegin:
                link.Snapshot++;
                break;
            case EntryKind.SnapshotEnd:
                EndSnapshot(link);
                break;
            default:
                Malformed($"an entry of kind {(byte)kind} that could not be read");
                break;
        }
    }

    /// <summary>
    /// A frame for <paramref name="target"/> that came down <paramref name="carrier"/> (sent by a peer
    /// there, or passed on by it): delivered here, passed on to where the target is now, or refused
    /// back down the carrier.
    /// </summary>
    private void Receive(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, Link carrier, byte hops)
    {
        var entry = _names.Find(target);
        if (entry is { LocalWins: true })
        {
            _framesReceived++;
            _output.Deliver(target, frame, carrier);
            return;
        }
        if (entry?.Winner?.Link is not { } holder)
        {
            Refuse(carrier, frame, HydraErrorCode.UnknownTarget,
                $"'{IdentityText.Of(target)}' is no longer connected to router {RouterId}, nor to any other router of cluster {_options.Name}");
            return;
        }
        if (!holder.IsUp || hops >= MaxHops)
        {
            Refuse(carrier, frame, HydraErrorCode.ClusterUnavailable, hops >= MaxHops
                ? $"'{IdentityText.Of(target)}' moved between routers {hops} times while the message was on its way"
                : $"'{IdentityText.Of(target)}' moved to router {holder.Router}, which router {RouterId} cannot reach: {holder.DownReason}");
            return;
        }
        PassOn(holder, carrier, hops, target, frame);
    }

    /// <summary>
    /// An answer from <paramref name="link"/>'s router for an entry of our stream to it: a frame from
    /// a peer here gets its error; a frame we passed on has the answer passed back the way it came.
    /// Each entry is answered once: a repeated refusal, or one for an entry no longer kept (confirmed,
    /// or of a session that ended and was answered then), is dropped.
    /// </summary>
    private void OnRefusal(Link link, FieldReader fields)
    {
        if (!fields.TryInt64(out var session) || !fields.TryInt64(out var seq) || !fields.TryBytes(out var sender) || !fields.TryByte(out var hasId)
            || !fields.TryBytes(out var id) || !fields.TryString(out var code) || !fields.TryString(out var detail))
        {
            Malformed("an unreadable refusal");
            return;
        }
        if ((ulong)session != link.OutSession || !link.Log.TryMarkAnswered(seq, out var kind, out var body))
        {
            return;
        }
        _refusedElsewhere++;
        var wireCode = HydraErrorCodes.FromWire(code) ?? HydraErrorCode.Other;
        if (kind == EntryKind.Forwarded)
        {
            link.ForwardsOut--;
            PassBack(body, sender, hasId == 1, id, wireCode, detail);
            return;
        }
        _output.Refused(sender, hasId == 1 ? id : default, wireCode, detail);
    }

    private static bool IsRouterId(ReadOnlySpan<byte> id) =>
        id.Length is > 0 and <= 64 && !id.ContainsAnyExcept(RouterIdBytes);

    private static readonly System.Buffers.SearchValues<byte> RouterIdBytes =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    private void Malformed(string what)
    {
        if (_malformed++ % 1000 == 0)
        {
            _log.LogMalformed(what, _malformed);
        }
    }
}
