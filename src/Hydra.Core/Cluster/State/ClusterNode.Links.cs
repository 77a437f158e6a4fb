using Hydra.Protocol;

namespace Hydra.Cluster.State;

// A link's life: up when its router is heard (a new session of our stream, starting with our
// names), down when it falls silent, confirms nothing for too long, restarts, or our own NATS
// connection goes. Down closes both streams: every frame it had not confirmed is answered to its
// sender (not_confirmed: it may or may not have arrived; cluster_unavailable: it never left), so
// nothing in it is lost without a word, and nothing from the old session is taken afterwards.
internal sealed partial class ClusterNode
{
    private long _notConfirmed;

    private void Up(Link link)
    {
        var now = Now;
        var wasDown = link.State == ClusterLinkState.Down;
        var downFor = _time.GetElapsedTime(link.StateSince, now);
        link.State = ClusterLinkState.Up;
        link.StateSince = now;
        link.DownReason = null;
        link.OpenSession(++_lastSession, now);
        AppendSnapshot(link);
        PublishPresence(); // so that the other router, if it took this one for gone too, takes the link up as soon
        if (wasDown)
        {
            _log.LogLinkBack(RouterId, link.Router, downFor.TotalSeconds);
        }
        else
        {
            _log.LogLinkUp(RouterId, link.Router, link.Clients);
        }
    }

    private void Down(Link link, string why, bool saidGoodbye = false)
    {
        if (!link.IsUp)
        {
            return;
        }
        link.State = ClusterLinkState.Down;
        link.StateSince = Now;
        link.DownReason = why;
        var (unconfirmed, unsent) = AnswerUnconfirmed(link, why);
        link.Log.Clear();
        link.OutSession = 0;
        link.CloseIncoming();
        if (!saidGoodbye || unconfirmed + unsent > 0) // a router that stops cleanly is worth one line, "has left", unless it left answers behind
        {
            _log.LogLinkDown(RouterId, link.Router, why, unconfirmed, unsent);
        }
    }

    /// <summary>Our stream cannot go on (the other router closed it): answers what it held and starts a new session.</summary>
    private void Restart(Link link, string why)
    {
        var (unconfirmed, unsent) = AnswerUnconfirmed(link, why);
        var refusals = RefusalsStillOwed(link);
        link.OpenSession(++_lastSession, Now);
        AppendSnapshot(link);
        // Only our stream restarts: the other router's goes on and takes our acknowledgements, so the
        // refusals of its frames must reach it in the new session, or those frames go unanswered.
        foreach (var refusal in refusals)
        {
            refusal.CopyTo(link.Log.Append(EntryKind.Refusal, refusal.Length, out _));
        }
        MarkDirty(link);
        _log.LogLinkRestarted(RouterId, link.Router, why, unconfirmed, unsent);
    }

    /// <summary>The refusals in our stream of frames from the other router's current session (copies: a restart is rare).</summary>
    private static List<byte[]> RefusalsStillOwed(Link link)
    {
        var owed = new List<byte[]>();
        for (var seq = link.Log.FirstSeq; seq < link.Log.NextSeq; seq++)
        {
            if (link.Log.Entry(seq, out var body) == EntryKind.Refusal && new FieldReader(body).TryInt64(out var session)
                && (ulong)session == link.InSession && !link.InClosed)
            {
                owed.Add(body.ToArray());
            }
        }
        return owed;
    }

    /// <summary>The router is gone for good (it said goodbye, or stayed unreachable too long): its names are no longer held anywhere.</summary>
    private void Forget(Link link, string why, bool saidGoodbye = false)
    {
        Down(link, why, saidGoodbye);
        foreach (var hold in link.Names.Dictionary.Values.ToList())
        {
            Drop(hold);
        }
        _links.Dictionary.Remove(link.RouterBytes);
        _log.LogLinkForgotten(RouterId, link.Router, why);
    }

    /// <summary>
    /// Every frame in the link's log gets its answer: the sender here is told, or, for a frame this
    /// router passed on for another router's peer, the answer goes back to the router it came from.
    /// Returns how many were sent and not confirmed, and how many never left.
    /// </summary>
    private (int Unconfirmed, int Unsent) AnswerUnconfirmed(Link link, string why)
    {
        var (unconfirmed, unsent) = (0, 0);
        for (var seq = link.Log.FirstSeq; seq < link.Log.NextSeq; seq++)
        {
            var kind = link.Log.Entry(seq, out var body);
            if (kind is not (EntryKind.Frame or EntryKind.Forwarded))
            {
                continue; // names: the next session starts with the full list; refusals: their frames are answered by their router's own reset
            }
            var fields = new FieldReader(body);
            var forwarded = body;
            if (kind == EntryKind.Forwarded && !(fields.TryBytes(out _) && fields.TryInt64(out _) && fields.TryInt64(out _) && fields.TryByte(out _)))
            {
                continue;
            }
            if (!fields.TryBytes(out var target))
            {
                continue;
            }
            var sent = seq <= link.SentUpTo;
            var code = sent ? HydraErrorCode.NotConfirmed : HydraErrorCode.ClusterUnavailable;
            var detail = sent
                ? $"router {link.Router} (where '{IdentityText.Of(target)}' is connected) did not confirm the message before the link failed ({why}): it may or may not have arrived"
                : $"'{IdentityText.Of(target)}' is connected to router {link.Router}, and the link to it failed before the message was sent ({why})";
            if (sent)
            {
                unconfirmed++;
            }
            else
            {
                unsent++;
            }
            FrameInspector.Inspect(fields.Rest, out var header);
            if (kind == EntryKind.Forwarded)
            {
                PassBack(forwarded, header.Sender.Bytes(fields.Rest), header.Id.IsPresent, header.Id.Bytes(fields.Rest), code, detail);
            }
            else
            {
                _output.Refused(header.Sender.Bytes(fields.Rest), header.Id.Bytes(fields.Rest), code, detail);
            }
        }
        link.NotConfirmed += unconfirmed;
        _notConfirmed += unconfirmed;
        link.ForwardsOut = 0;
        return (unconfirmed, unsent);
    }
}
