using System.Text;
using Hydra.Messages;
using Hydra.Protocol;
using Hydra.Routing.Internal;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Routing;

// The per-message path. Runs on the poller thread only. In steady state it allocates
// nothing: frames are inspected in place and the received body is forwarded as it came.
public sealed partial class RouterEngine
{
    private const int MaxBatch = 256; // then give the other socket a turn
    private static ReadOnlySpan<byte> RouterName => "HydraRouter"u8;

    /// <summary>
    /// What ZeroMQ hands us, as if the peer had sent it, when a peer's connection closes
    /// (DisconnectMessage option). Not JSON, so no real message can look like it; a peer
    /// sending it on purpose only reports its own connection as closed.
    /// </summary>
    internal static ReadOnlySpan<byte> DisconnectMarker => "\0hydra:disconnected"u8;

    private delegate void FrameHandler(RouterSocket socket, ReadOnlySpan<byte> identity, ref Msg body, int frames);

    private enum SendResult { Sent, UnknownPeer, QueueFull }

    private void Drain(RouterSocket socket, FrameHandler handle)
    {
        for (var i = 0; i < MaxBatch; i++)
        {
            var identity = new Msg();
            var body = new Msg();
            identity.InitEmpty();
            body.InitEmpty();
            try
            {
                if (!socket.TryReceive(ref identity, TimeSpan.Zero))
                {
                    return;
                }
                var frames = ReceiveBody(socket, ref body);
                if (frames == 1 && body.Slice().SequenceEqual(DisconnectMarker))
                {
                    OnDisconnected(socket, identity.Slice());
                    continue;
                }
                handle(socket, identity.Slice(), ref body, frames);
            }
            catch (Exception e) when (e is not TerminatingException)
            {
                // Whatever went wrong with one message must not stop the router.
                _counters.CountError(HydraErrorCode.Other);
                _log.LogError(e, "Internal error while handling a message; routing goes on");
            }
            finally
            {
                CloseIfOpen(ref identity);
                CloseIfOpen(ref body);
            }
        }
    }

    /// <summary>Reads the frames after the identity; <paramref name="body"/> ends up holding the last.</summary>
    /// <returns>1 for a well-formed message ([json] or ["", json]), else the number of frames seen.</returns>
    private static int ReceiveBody(RouterSocket socket, ref Msg body)
    {
        socket.Receive(ref body);
        if (!body.HasMore)
        {
            return 1;
        }
        var delimiterFirst = body.Size == 0;
        var frames = 1;
        while (body.HasMore)
        {
            body.Close();
            body.InitEmpty();
            socket.Receive(ref body);
            frames++;
        }
        return delimiterFirst && frames == 2 ? 1 : frames;
    }

    private void OnDisconnected(RouterSocket socket, ReadOnlySpan<byte> identity)
    {
        _auth?.Revoke(identity);
        _targets.Forget(identity);
        if (_clients.TryGet(identity, out var entry))
        {
            entry.Connected = false;
        }
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDebug("{Identity} disconnected from the {Port} port", IdentityText.Of(identity), socket == _main ? "main" : "heartbeat");
        }
    }

    private void HandleMain(RouterSocket socket, ReadOnlySpan<byte> identity, ref Msg body, int frames)
    {
        if (!Admit(socket, identity, ref body, frames, out var entry, out var header))
        {
            return;
        }
        ReadOnlySpan<byte> frame = body.Slice();
        var target = header.Target.Bytes(frame);
        if (target.IsEmpty)
        {
            Refuse(socket, identity, entry, HydraErrorCode.BadMessage, "message missing target", header.Id.Bytes(frame));
        }
        else if (target.SequenceEqual(RouterName))
        {
            AnswerRouterMethod(socket, identity, entry, frame, header);
        }
        else
        {
            Forward(socket, identity, entry, ref body, header);
        }
    }

    private void HandleHeartbeat(RouterSocket socket, ReadOnlySpan<byte> identity, ref Msg body, int frames)
    {
        if (!Admit(socket, identity, ref body, frames, out var entry, out var header))
        {
            return;
        }
        ReadOnlySpan<byte> frame = body.Slice();
        if (header.Target.Bytes(frame).SequenceEqual(RouterName) && header.Method.Bytes(frame).SequenceEqual("heartbeat"u8))
        {
            _counters.Heartbeats++;
            Reply(socket, identity, entry, _replies.Empty(identity, HydraMethods.HeartbeatReply, header.Id.Bytes(frame)));
            Record(_trace is null ? null : Traced(frame, header, RouteOutcome.Heartbeat));
            return;
        }
        Refuse(socket, identity, entry, HydraErrorCode.BadMessage,
            "the heartbeat port takes only 'heartbeat' messages to HydraRouter", header.Id.Bytes(frame));
    }

    /// <summary>The checks every message passes, on either port: a table slot, framing, a valid frame, an honest sender.</summary>
    private bool Admit(RouterSocket socket, ReadOnlySpan<byte> identity, ref Msg body, int frames, out ClientEntry? entry, out FrameHeader header)
    {
        header = default;
        _counters.Received++;
        if (identity.Length > _options.MaxIdentityLength)
        {
            entry = null;
            Refuse(socket, identity, null, HydraErrorCode.BadMessage,
                $"identity is {identity.Length} bytes; the limit is {_options.MaxIdentityLength}", IdOf(body.Slice(), frames));
            return false;
        }
        // With keys checked, a peer enters the table (and can turn GOOD) only once proven.
        var proven = _auth is null || _auth.IsProven(identity);
        entry = null;
        if (proven)
        {
            entry = _clients.Touch(identity);
            if (entry is null)
            {
                Refuse(socket, identity, null, HydraErrorCode.Busy, $"the router is at its limit of {_options.MaxClients} clients", IdOf(body.Slice(), frames));
                return false;
            }
            entry.MessagesIn++;
        }
        if (frames != 1)
        {
            Refuse(socket, identity, entry, HydraErrorCode.BadMessage,
                $"expected one JSON frame (optionally after an empty delimiter), got {frames} frames", default);
            return false;
        }
        ReadOnlySpan<byte> frame = body.Slice();
        var problem = FrameInspector.Inspect(frame, out header);
        if (problem is not null)
        {
            Refuse(socket, identity, entry, HydraErrorCode.BadMessage, problem, header.Id.Bytes(frame));
            return false;
        }
        if (!header.Sender.Bytes(frame).SequenceEqual(identity))
        {
            Refuse(socket, identity, entry, HydraErrorCode.SenderMismatch,
                $"sender '{header.Sender.ToString(frame)}' is not this connection's identity '{IdentityText.Of(identity)}'", header.Id.Bytes(frame));
            return false;
        }
        if (!proven && !(socket == _main && header.Target.Bytes(frame).SequenceEqual(RouterName) && Authenticator.IsAuthMethod(header.Method.Bytes(frame))))
        {
            Refuse(socket, identity, null, HydraErrorCode.Unauthorized,
                "this router only serves authorized keys: send 'auth' to HydraRouter first", header.Id.Bytes(frame));
            return false;
        }
        return true;
    }

    /// <summary>
    /// The request's id, for the refusals made before a frame is inspected (rare), so the
    /// sender's RequestAsync gets the error instead of timing out.
    /// </summary>
    private static ReadOnlySpan<byte> IdOf(ReadOnlySpan<byte> frame, int frames)
    {
        if (frames != 1)
        {
            return default;
        }
        FrameInspector.Inspect(frame, out var header);
        return header.Id.Bytes(frame);
    }

    private void AnswerRouterMethod(RouterSocket socket, ReadOnlySpan<byte> identity, ClientEntry? entry, ReadOnlySpan<byte> frame, FrameHeader header)
    {
        var method = header.Method.Bytes(frame);
        var replyTo = header.Id.Bytes(frame);
        if (method.SequenceEqual("ping"u8))
        {
            _counters.Pongs++;
            Reply(socket, identity, entry, _replies.Empty(identity, HydraMethods.Pong, replyTo));
        }
        else if (method.SequenceEqual("clients"u8))
        {
            Reply(socket, identity, entry, _replies.Clients(identity, _clients.Snapshot(), replyTo));
        }
        else if (Authenticator.IsAuthMethod(method))
        {
            Authenticate(socket, identity, entry, frame, method, replyTo);
            return;
        }
        else
        {
            Refuse(socket, identity, entry, HydraErrorCode.UnknownMethod,
                $"the router has no method '{Encoding.UTF8.GetString(method)}' (it answers ping, clients, auth and auth_proof)", replyTo);
            return;
        }
        Record(_trace is null ? null : Traced(frame, header, RouteOutcome.Answered));
    }

    private void Forward(RouterSocket socket, ReadOnlySpan<byte> identity, ClientEntry? entry, ref Msg body, FrameHeader header)
    {
        ReadOnlySpan<byte> frame = body.Slice();
        var target = header.Target.Bytes(frame);
        if (_auth is not null && !_auth.IsProven(target))
        {
            Refuse(socket, identity, entry, HydraErrorCode.Unauthorized,
                $"'{header.Target.ToString(frame)}' has not proven its key; nothing is delivered to it", header.Id.Bytes(frame));
            return;
        }
        // Known clients give their cached identity bytes; a peer that has only listened so far
        // is cached apart once a message reached it; anything else costs one copy.
        var known = _clients.TryGet(target, out var targetEntry);
        var cached = false;
        var targetIdentity = known ? targetEntry.Identity : _targets.Get(target, out cached);
        var traced = _trace is null ? null : Traced(frame, header, RouteOutcome.Forwarded);
        switch (TrySend(socket, targetIdentity, ref body))
        {
            case SendResult.Sent:
                _counters.Routed++;
                if (known)
                {
                    targetEntry.MessagesOut++;
                }
                else if (!cached)
                {
                    _targets.Remember(targetIdentity);
                }
                Record(traced);
                break;
            case SendResult.UnknownPeer:
                if (cached)
                {
                    _targets.Forget(targetIdentity);
                }
                Refuse(socket, identity, entry, HydraErrorCode.UnknownTarget,
                    $"no peer named '{header.Target.ToString(frame)}' is connected", header.Id.Bytes(frame));
                break;
            default:
                Refuse(socket, identity, entry, HydraErrorCode.Busy,
                    $"'{header.Target.ToString(frame)}' has {_options.HighWatermark} messages waiting; this one was not delivered",
                    header.Id.Bytes(frame));
                break;
        }
    }

    private void Refuse(RouterSocket socket, ReadOnlySpan<byte> identity, ClientEntry? entry, HydraErrorCode code, string detail, ReadOnlySpan<byte> replyTo)
    {
        _counters.CountError(code);
        var who = entry?.DisplayName ?? IdentityText.Of(identity);
        _errorLog.Refused(who, code, detail);
        if (_trace is not null)
        {
            Record(new RoutedMessage(_options.TimeProvider.GetUtcNow(), who, "", "", RouteOutcome.Refused, code));
        }
        Reply(socket, identity, entry, _replies.Error(identity, code, detail, replyTo));
    }

    /// <summary>Sends one of the router's own messages; a failure is counted and logged, never silent.</summary>
    private void Reply(RouterSocket socket, ReadOnlySpan<byte> identity, ClientEntry? entry, ReadOnlySpan<byte> json)
    {
        var body = new Msg();
        body.InitPool(json.Length);
        json.CopyTo(body.Slice());
        try
        {
            if (TrySend(socket, entry?.Identity ?? identity.ToArray(), ref body) == SendResult.Sent)
            {
                if (entry is not null)
                {
                    entry.MessagesOut++;
                }
                return;
            }
            _counters.RepliesNotDelivered++;
            _errorLog.NotDelivered(entry?.DisplayName ?? IdentityText.Of(identity));
        }
        finally
        {
            CloseIfOpen(ref body);
        }
    }

    /// <summary>Sends [identity, body] without waiting. On success the body is handed to ZeroMQ.</summary>
    private static SendResult TrySend(RouterSocket socket, byte[] identity, ref Msg body)
    {
        var address = new Msg();
        address.InitGC(identity, identity.Length);
        try
        {
            if (!socket.TrySend(ref address, TimeSpan.Zero, more: true))
            {
                return SendResult.QueueFull;
            }
        }
        catch (HostUnreachableException)
        {
            return SendResult.UnknownPeer;
        }
        finally
        {
            CloseIfOpen(ref address);
        }
        // After the address frame is accepted, the body frame cannot be refused.
        socket.TrySend(ref body, TimeSpan.Zero, more: false);
        return SendResult.Sent;
    }

    private RoutedMessage Traced(ReadOnlySpan<byte> frame, FrameHeader header, RouteOutcome outcome) =>
        new(_options.TimeProvider.GetUtcNow(), header.Sender.ToString(frame), header.Target.ToString(frame), header.Method.ToString(frame), outcome);

    private static void CloseIfOpen(ref Msg msg)
    {
        if (msg.IsInitialised)
        {
            msg.Close();
        }
    }
}
