using System.Buffers;
using System.Text.Json;
using Hydra.Protocol;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster;

// Frames in from the cluster. NATS.Net's reader thread copies each into a pooled buffer and
// queues it for the loop thread (a typed queue: no delegate per frame); the loop delivers it,
// and answers the sender's router when it cannot. A queue past MaxPending is answered busy.
internal sealed partial class NatsFederation
{
    private int _inboundPending;

    private enum InboundKind : byte
    {
        /// <summary>A frame on the subject of an identity held (or lately held) here.</summary>
        PeerFrame,
        /// <summary>A frame passed on by a router that no longer holds its target.</summary>
        DirectFrame,
        /// <summary>NATS: nobody listens on the subject a frame of ours went to.</summary>
        NoResponders,
        /// <summary>Another router could not deliver a frame of ours (<see cref="RefusalMessage"/>).</summary>
        Refusal,
        /// <summary>NATS.Net gave up on a frame of ours before it left (the reason in ReplyTo).</summary>
        NotSent,
    }

    private readonly record struct Inbound(InboundKind Kind, PeerSubscription? Peer, byte[]? Buffer, int Length, string? ReplyTo, int Slot, HydraErrorCode Code = default)
    {
        public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(0, Length);
    }

    /// <summary>Reader thread: a frame for an identity held here.</summary>
    internal void OnPeerFrame(PeerSubscription peer, string? replyTo, in ReadOnlySequence<byte> payload) =>
        Take(InboundKind.PeerFrame, peer, replyTo, payload);

    private void OnDirectMessage(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload) =>
        Take(InboundKind.DirectFrame, null, replyTo, payload);

    private void OnInboxMessage(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload)
    {
        var slot = _subjects.SlotOf(subject);
        if (payload.IsEmpty && IsNoResponders(headers))
        {
            _inbound!.Enqueue(new Inbound(InboundKind.NoResponders, null, null, 0, null, slot));
        }
        else if (!payload.IsEmpty)
        {
            _inbound!.Enqueue(new Inbound(InboundKind.Refusal, null, payload.ToArray(), (int)payload.Length, null, slot));
        }
    }

    /// <summary>NATS's status line <c>NATS/1.0 503</c>: no subscriber for the subject anywhere.</summary>
    private static bool IsNoResponders(in ReadOnlySequence<byte>? headers)
    {
        if (headers is not { Length: >= 12 } bytes)
        {
            return false;
        }
        Span<byte> status = stackalloc byte[12];
        bytes.Slice(0, 12).CopyTo(status);
        return status[8..].SequenceEqual(" 503"u8);
    }

    /// <summary>Reader thread: copies a frame for the loop thread, or answers busy when too many wait.</summary>
    private void Take(InboundKind kind, PeerSubscription? peer, string? replyTo, in ReadOnlySequence<byte> payload)
    {
        if (Interlocked.Increment(ref _inboundPending) > _options.MaxPending)
        {
            Interlocked.Decrement(ref _inboundPending);
            var frame = payload.ToArray(); // rare: the router is overloaded
            Refuse(replyTo ?? "", frame, HydraErrorCode.Busy,
                $"router {_options.RouterId} has {_options.MaxPending} messages from other routers waiting; this one was not delivered");
            return;
        }
        var length = (int)payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        payload.CopyTo(buffer);
        _inbound!.Enqueue(new Inbound(kind, peer, buffer, length, replyTo, 0));
    }

    /// <summary>Loop thread: everything that came from the cluster, in order.</summary>
    private void OnInbound(Inbound item)
    {
        try
        {
            switch (item.Kind)
            {
                case InboundKind.PeerFrame:
                    OnPeerFrame(item.Peer!, item.Bytes, item.ReplyTo);
                    break;
                case InboundKind.DirectFrame:
                    OnDirectFrame(item.Bytes, item.ReplyTo);
                    break;
                case InboundKind.NoResponders:
                    OnNoResponders(item.Slot);
                    break;
                case InboundKind.Refusal:
                    OnRefusal(item.Bytes);
                    break;
                case InboundKind.NotSent:
                    OnNotSent(item.Slot, item.Code, item.ReplyTo);
                    break;
            }
        }
        catch (Exception e)
        {
            _log.LogError(e, "Cluster: internal error while handling a message from another router; routing goes on");
        }
        finally
        {
            if (item.Kind is InboundKind.PeerFrame or InboundKind.DirectFrame)
            {
                ArrayPool<byte>.Shared.Return(item.Buffer!);
                Interlocked.Decrement(ref _inboundPending);
            }
        }
    }

    private void OnPeerFrame(PeerSubscription peer, ReadOnlySpan<byte> frame, string? replyTo)
    {
        if (peer.Held)
        {
            Volatile.Write(ref _received, _received + 1);
            _rules!.OnRemoteFrame(peer.Identity, frame, replyTo ?? "");
        }
        else if (peer.NewOwner is { } owner)
        {
            // It moved while this frame was on its way: pass it on to the router that has it now (once; that one answers).
            Publish(_subjects.DirectOf(owner), frame, replyTo ?? "");
        }
        else
        {
            Refuse(replyTo ?? "", frame, HydraErrorCode.UnknownTarget, $"'{Text(peer.Identity)}' left router {_options.RouterId} and is connected to no other");
        }
    }

    private void OnDirectFrame(ReadOnlySpan<byte> frame, string? replyTo)
    {
        FrameInspector.Inspect(frame, out var header);
        var target = header.Target.Bytes(frame);
        if (_held.TryGetValue(target, out var peer) && peer.Held)
        {
            Volatile.Write(ref _received, _received + 1);
            _rules!.OnRemoteFrame(peer.Identity, frame, replyTo ?? "");
            return;
        }
        Refuse(replyTo ?? "", frame, HydraErrorCode.UnknownTarget, $"'{Text(target)}' moved while the message was on its way, and has left router {_options.RouterId} too");
    }

    private void OnNoResponders(int slot)
    {
        if (!_slots.TryRead(slot, out var sender, out var id, out var target))
        {
            _log.LogWarning("Cluster: NATS answered 'no responders' for a message this router cannot name (reply slot {Slot})", slot);
            return;
        }
        Interlocked.Increment(ref _refusedRemotely);
        _rules!.OnRemoteRefusal(sender, id, HydraErrorCode.UnknownTarget,
            $"no peer named '{Text(target)}' is connected to any router of cluster {_options.Name}");
    }

    private void OnNotSent(int slot, HydraErrorCode code, string? reason)
    {
        if (_slots.TryRead(slot, out var sender, out var id, out var target))
        {
            _rules!.OnRemoteRefusal(sender, id, code, $"the message for '{Text(target)}' could not be handed to NATS ({reason}); it was not sent");
        }
    }

    private void OnRefusal(ReadOnlySpan<byte> json)
    {
        var refusal = JsonSerializer.Deserialize(json, ClusterJson.Default.RefusalMessage);
        if (refusal is null)
        {
            return;
        }
        Interlocked.Increment(ref _refusedRemotely);
        _rules!.OnRemoteRefusal(Utf8(refusal.Sender), Utf8(refusal.Id), HydraErrorCodes.FromWire(refusal.Code) ?? HydraErrorCode.Other, refusal.Detail);
    }
}
