using Hydra.Protocol;

namespace Hydra.Cluster.State;

// A frame whose target moved while it was on its way is passed on, hop by hop, to the router that
// holds the target now. Each hop keeps custody until the next confirms: it does not acknowledge
// the entry it came in as until the entry it went out as is confirmed, and an answer for it comes
// back the way the frame came. So a failed link anywhere on the way is answered (not_confirmed)
// by the hop before it, and nothing passed on is lost without a word.
internal sealed partial class ClusterNode
{
    /// <summary>Passes a frame that came down <paramref name="carrier"/> on to <paramref name="holder"/>, where its target is now.</summary>
    private void PassOn(Link holder, Link carrier, byte hops, ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame)
    {
        var carrierSeq = _handling.Seq;
        var length = FieldWriter.SizeOf(carrier.RouterBytes) + 16 + 1 + FrameBodyLength(target, frame);
        if (holder.Log.Bytes > 0 && holder.Log.Bytes + length > _options.MaxUnconfirmedBytes)
        {
            Refuse(carrier, frame, HydraErrorCode.Busy,
                $"'{IdentityText.Of(target)}' moved to router {holder.Router}, and router {RouterId} has as much on its way there as it keeps; the message was not passed on");
            return;
        }
        var fields = new FieldWriter(holder.Log.Append(EntryKind.Forwarded, length, out _));
        fields.Bytes(carrier.RouterBytes);
        fields.Int64((long)carrier.InSession);
        fields.Int64(carrierSeq);
        fields.Byte((byte)(hops + 1));
        fields.Bytes(target);
        fields.Rest(frame);
        holder.ForwardsOut++;
        carrier.PendingForwards.Add(carrierSeq);
        MarkDirty(holder);
    }

    /// <summary>An answer for a frame we passed on (<paramref name="forwarded"/>: its entry's body) goes back to the router we had it from.</summary>
    private void PassBack(ReadOnlySpan<byte> forwarded, ReadOnlySpan<byte> sender, bool hasId, ReadOnlySpan<byte> id, HydraErrorCode code, string detail)
    {
        var fields = new FieldReader(forwarded);
        if (fields.TryBytes(out var from) && fields.TryInt64(out var session) && fields.TryInt64(out var seq) && _links.TryGetValue(from, out var carrier))
        {
            AppendRefusal(carrier, (ulong)session, seq, sender, hasId, id, code, detail);
            Resolve(carrier, (ulong)session, seq);
        }
    }

    /// <summary>The other router has every entry of our stream to it up to <paramref name="seq"/>: frames we passed on through it are in its custody now.</summary>
    private void Confirm(Link link, long seq)
    {
        for (var entry = link.Log.FirstSeq; link.ForwardsOut > 0 && entry <= Math.Min(seq, link.Log.NextSeq - 1); entry++)
        {
            if (link.Log.Entry(entry, out var body) == EntryKind.Forwarded)
            {
                link.ForwardsOut--;
                var fields = new FieldReader(body);
                if (fields.TryBytes(out var from) && fields.TryInt64(out var session) && fields.TryInt64(out var carrierSeq) && _links.TryGetValue(from, out var carrier))
                {
                    Resolve(carrier, (ulong)session, carrierSeq);
                }
            }
        }
        link.Confirm(seq, Now);
    }

    /// <summary>Entry <paramref name="seq"/> of <paramref name="carrier"/>'s stream, passed on, is settled: it may be acknowledged.</summary>
    private void Resolve(Link carrier, ulong session, long seq)
    {
        if (carrier.InSession == session && carrier.PendingForwards.Remove(seq))
        {
            OweAck(carrier, 0);
        }
    }
}
