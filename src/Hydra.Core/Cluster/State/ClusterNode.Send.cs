using Hydra.Protocol;

namespace Hydra.Cluster.State;

// Frames out to other routers. Send runs for every cross-router message: a lookup of the
// target's router, and a copy of the frame onto the end of that router's link log; nothing is
// allocated. Flush, once the routing thread has handled what it had, sends each link's new
// entries as one NATS message (many frames), or only an acknowledgement.
internal sealed partial class ClusterNode
{
    private long _framesSent;
    private long _entriesResent;
    private long _refusalsLost;
    private bool _acksWaiting; // an acknowledgement waits for traffic to ride on: the next tick's flush looks again

    /// <summary>
    /// Sends a peer's frame to the router that holds <paramref name="target"/>. Anything but
    /// <see cref="FederationSend.Sent"/> comes with the reason in <paramref name="problem"/>, for the sender.
    /// </summary>
    public FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, out string? problem)
    {
        problem = null;
        if (_stopping)
        {
            problem = $"'{IdentityText.Of(target)}' is not connected to this router, and router {RouterId} is stopping";
            return FederationSend.Unavailable;
        }
        var link = _names.Find(target)?.Winner?.Link;
        if (link is null)
        {
            return Unknown(target, out problem);
        }
        if (!link.IsUp)
        {
            problem = $"'{IdentityText.Of(target)}' is connected to router {link.Router}, which cannot be reached: {link.DownReason}";
            return FederationSend.Unavailable;
        }
        var body = FrameBodyLength(target, frame);
        if (MessageOverhead + LinkWire.EntryOverhead + body > _maxPayload)
        {
            problem = $"the message is {frame.Length} bytes, more than the cluster's NATS servers take in one message ({_maxPayload} bytes)";
            return FederationSend.TooLarge;
        }
        if (link.Log.Bytes > 0 && link.Log.Bytes + body > _options.MaxUnconfirmedBytes)
        {
            problem = $"router {RouterId} has {link.Log.Bytes / 1024} KB sent to router {link.Router} and not yet confirmed, its limit; this message was not sent";
            return FederationSend.Busy;
        }
        WriteFrame(link.Log.Append(EntryKind.Frame, body, out _), target, frame);
        link.FramesSent++;
        _framesSent++;
        MarkDirty(link);
        return FederationSend.Sent;
    }

    private FederationSend Unknown(ReadOnlySpan<byte> target, out string problem)
    {
        if (!_connected)
        {
            problem = $"'{IdentityText.Of(target)}' is not connected to this router, and router {RouterId} has lost its NATS connection, so the other routers cannot be reached";
            return FederationSend.Unavailable;
        }
        if (!Settled)
        {
            problem = Links.FirstOrDefault(link => link.State == ClusterLinkState.Down) is { } down
                ? $"'{IdentityText.Of(target)}' is not known to router {RouterId}, and router {down.Router}, where it may be, cannot be reached: {down.DownReason}"
                : $"'{IdentityText.Of(target)}' is not connected to this router, and router {RouterId} is still learning which peers the other routers of cluster {_options.Name} have";
            return FederationSend.Unavailable;
        }
        problem = $"no peer named '{IdentityText.Of(target)}' is connected to any router of cluster {_options.Name}";
        return FederationSend.UnknownTarget;
    }

    /// <summary>
    /// A frame from another router (<see cref="IClusterOutput.Deliver"/>) could not be delivered here:
    /// its sender gets an error with <paramref name="code"/>, sent back down <paramref name="carrier"/>,
    /// the link the frame came on (which passes it back on to the sender's router if it passed the frame on).
    /// </summary>
    public void Refuse(Link carrier, ReadOnlySpan<byte> frame, HydraErrorCode code, string detail)
    {
        FrameInspector.Inspect(frame, out var header);
        // Which entry of the carrier's stream this answers: it then knows the entry is answered, and
        // does not answer it again should the link fail before it is confirmed.
        var seq = _handling.Link == carrier ? _handling.Seq : 0;
        AppendRefusal(carrier, carrier.InSession, seq, header.Sender.Bytes(frame), header.Id.IsPresent, header.Id.Bytes(frame), code, detail);
    }

    private void AppendRefusal(Link link, ulong session, long seq, ReadOnlySpan<byte> sender, bool hasId, ReadOnlySpan<byte> id, HydraErrorCode code, string detail)
    {
        if (!link.IsUp || link.InClosed || link.InSession != session)
        {
            // The stream the frame came in ended: its router answered the frame itself (not_confirmed) when it did.
            _refusalsLost++;
            _log.LogRefusalLost(IdentityText.Of(sender), link.Router, code.ToWire(), detail);
            return;
        }
        var wire = code.ToWire();
        var length = 16 + FieldWriter.SizeOf(sender) + 1 + FieldWriter.SizeOf(id) + FieldWriter.SizeOf(wire) + FieldWriter.SizeOf(detail);
        var fields = new FieldWriter(link.Log.Append(EntryKind.Refusal, length, out _));
        fields.Int64((long)session);
        fields.Int64(seq);
        fields.Bytes(sender);
        fields.Byte(hasId ? (byte)1 : (byte)0);
        fields.Bytes(id);
        fields.String(wire);
        fields.String(detail);
        MarkDirty(link);
    }

    /// <summary>Sends what waits on every link: new entries, entries to send again, acknowledgements owed.</summary>
    public void Flush()
    {
        if (!_connected)
        {
            return; // what waits goes when the connection is back (or is answered when its link times out)
        }
        if (_acksWaiting)
        {
            _acksWaiting = false;
            foreach (var link in _links.Dictionary.Values)
            {
                if (link.AckOwed && !link.Dirty)
                {
                    link.Dirty = true;
                    _dirty.Add(link);
                }
            }
        }
        var flushing = _dirty.Count; // links marked while flushing wait for the next flush
        var flushed = 0;
        for (; flushed < flushing && !_output.IsBackedUp; flushed++)
        {
            var link = _dirty[flushed];
            link.Dirty = false;
            FlushLink(link);
        }
        _dirty.RemoveRange(0, flushed);
        if (_dirty.Count > 0 && !_output.IsBackedUp)
        {
            _output.RequestFlush(); // marked while flushing (when backed up, the transport calls again once NATS has caught up)
        }
    }

    private void FlushLink(Link link)
    {
        if (!link.IsUp)
        {
            return;
        }
        while (link.SendFrom < link.Log.NextSeq)
        {
            if (_output.IsBackedUp)
            {
                MarkDirty(link);
                return;
            }
            var count = link.Log.CountFitting(link.SendFrom, _options.MaxBatchBytes);
            if (!link.AwaitsConfirmation)
            {
                link.LastProgress = Now; // the wait for a confirmation starts now
            }
            if (link.SendFrom <= link.SentUpTo)
            {
                link.EntriesResent += Math.Min(count, link.SentUpTo - link.SendFrom + 1);
                _entriesResent += Math.Min(count, link.SentUpTo - link.SendFrom + 1);
            }
            PublishData(link, link.SendFrom, count);
            link.SendFrom += count;
            link.SentUpTo = Math.Max(link.SentUpTo, link.SendFrom - 1);
        }
        if (link.AckOwed)
        {
            var waited = _time.GetElapsedTime(link.AckOwedSince, Now);
            if (waited >= _options.AckDelay || link.Unacknowledged >= _options.AckEvery)
            {
                PublishData(link, link.Log.NextSeq, 0);
            }
            else
            {
                _acksWaiting = true; // unless traffic to that router carries it first, the next tick sends it
            }
        }
    }

    /// <summary>
    /// Entries came on <paramref name="link"/>: they will be acknowledged, on the next message to its
    /// router (an answer, often), or alone after <see cref="ClusterOptions.AckDelay"/> or <see cref="ClusterOptions.AckEvery"/> entries.
    /// </summary>
    private void OweAck(Link link, int entries)
    {
        if (!link.AckOwed)
        {
            link.AckOwed = true;
            link.AckOwedSince = Now;
        }
        link.Unacknowledged += entries;
        MarkDirty(link);
    }

    private void PublishData(Link link, long first, int count)
    {
        var data = new DataFields
        {
            Session = link.OutSession,
            FirstSeq = first,
            Count = count,
            LastSeq = link.Log.NextSeq - 1,
            AckSession = link.InClosed ? 0 : link.InSession,
            AckUpTo = link.InClosed ? 0 : link.AckUpTo,
        };
        link.AckOwed = false;
        link.Unacknowledged = 0;
        link.MessagesSent++;
        _output.Publish(link.Subject, _message.Data(link, data));
    }

    private void PublishNak(Link link, ulong session, long expected)
    {
        var now = Now;
        if (!_connected)
        {
            return;
        }
        if (expected != 0 && _time.GetElapsedTime(link.LastNakAt, now) < _options.ResendAfter / 4)
        {
            return; // one asked for lately: the rest of the gap is on its way
        }
        link.LastNakAt = now;
        link.MessagesSent++;
        _output.Publish(link.Subject, _message.Nak(link, session, expected));
    }

    private void SendAgainFrom(Link link, long seq)
    {
        link.SendFrom = Math.Max(Math.Min(link.SendFrom, seq), link.Log.FirstSeq);
        MarkDirty(link);
    }

    private void MarkDirty(Link link)
    {
        if (!link.Dirty)
        {
            link.Dirty = true;
            _dirty.Add(link);
            if (_dirty.Count == 1)
            {
                _output.RequestFlush();
            }
        }
    }

    /// <summary>The header and stream fields of a data message from this router: what a frame must leave room for.</summary>
    private int MessageOverhead => LinkWire.HeaderLength(RouterId.Length) + LinkWire.DataFieldsLength;

    private static int FrameBodyLength(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame) => FieldWriter.SizeOf(target) + frame.Length;

    private static void WriteFrame(Span<byte> body, ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame)
    {
        var fields = new FieldWriter(body);
        fields.Bytes(target);
        fields.Rest(frame);
    }
}
