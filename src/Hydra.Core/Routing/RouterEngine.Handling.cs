using System.Text;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Routing.Internal;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// The routing rules: admit, answer, forward, refuse, reply. They run on the transport's loop
// thread only, and in steady state allocate nothing: frames are inspected in place and a
// forwarded body leaves as it came (docs/protocol.md describes every rule here).
public sealed partial class RouterEngine
{
    private void OnFrame(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame)
    {
        try
        {
            if (!Admit(port, identity, frame, out var sender))
            {
                return;
            }
            if (port == PortKind.Main)
            {
                HandleMain(sender, frame);
            }
            else
            {
                HandleHeartbeat(sender);
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong with one message must not stop the router.
            _counters.CountError(HydraErrorCode.Other);
            _log.LogHandlingFailed(e);
        }
    }

    private void OnPeerGone(PortKind port, ReadOnlySpan<byte> identity)
    {
        _auth?.Revoke(identity);
        if (_clients.TryGet(identity, out var entry))
        {
            entry.Connected = false;
            if (_federation is not null)
            {
                LeaveCluster(entry);
            }
        }
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogDisconnected(IdentityText.Of(identity), port == PortKind.Main ? "main" : "heartbeat");
        }
    }

    /// <summary>
    /// The checks every message passes, on either port, in this order: size, identity length, a table
    /// slot (once its key is proven), framing, a valid frame, an honest sender, a proven key.
    /// </summary>
    private bool Admit(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame, out Sender sender)
    {
        _counters.Received++;
        var envelope = Framing.Classify(frame.Parts, frame.FirstPartEmpty);
        sender = new Sender(port, identity, frame.Body, envelope ?? Envelope.Bare);
        if (frame.Body.Length > _options.MaxMessageSize)
        {
            // Read only because it is within RouterOptions.MaxFrameRead; not worth inspecting for its id.
            Refuse(sender, HydraErrorCode.TooLarge, $"the message is {frame.Body.Length} bytes; the limit is {_options.MaxMessageSize}");
            return false;
        }
        // Read even when the framing is wrong, so that a refusal still answers the request's id.
        var problem = FrameInspector.Inspect(frame.Body, out sender.Header);
        if (identity.Length > _options.MaxIdentityLength)
        {
            Refuse(sender, HydraErrorCode.BadMessage, $"identity is {identity.Length} bytes; the limit is {_options.MaxIdentityLength}");
            return false;
        }
        // Keys checked in the handshake are checked on every frame: each carries its own connection's key.
        var proven = _auth is null || (_keysInHandshake ? _auth.ProveByHandshake(identity, frame.PeerKey) : _auth.IsProven(identity));
        if (proven)
        {
            // With keys checked, a peer enters the table (and can turn GOOD) only once proven.
            sender.Entry = _clients.Touch(identity, frame.ReceivedAt != 0 ? frame.ReceivedAt : _options.TimeProvider.GetTimestamp());
            if (sender.Entry is null)
            {
                Refuse(sender, HydraErrorCode.Busy, $"the router is at its limit of {_options.MaxClients} clients");
                return false;
            }
            sender.Entry.MessagesIn++;
            if (envelope is { } framing)
            {
                sender.Entry.Envelope = framing; // remembered from the peer's own well-framed messages
            }
            if (_federation is not null && sender.Entry.Hold is not { IsHeld: true } && !HoldInCluster(sender))
            {
                return false;
            }
        }
        if (envelope is null)
        {
            Refuse(sender, HydraErrorCode.BadMessage, Framing.Problem(frame.Parts));
            return false;
        }
        if (problem is not null)
        {
            Refuse(sender, HydraErrorCode.BadMessage, problem);
            return false;
        }
        if (!sender.Header.Sender.Bytes(sender.Body).SequenceEqual(identity))
        {
            Refuse(sender, HydraErrorCode.SenderMismatch,
                $"sender '{sender.Header.Sender.ToString(sender.Body)}' is not this connection's identity '{IdentityText.Of(identity)}'");
            return false;
        }
        if (!proven && !IsAuthRequest(sender))
        {
            RefuseUnproven(sender);
            return false;
        }
        return true;
    }

    private void HandleMain(in Sender sender, in ReceivedFrame frame)
    {
        var target = sender.Header.Target.Bytes(sender.Body);
        if (target.IsEmpty)
        {
            Refuse(sender, HydraErrorCode.BadMessage, "message missing target");
        }
        else if (target.SequenceEqual(Wire.Router))
        {
            AnswerRouterMethod(sender);
        }
        else
        {
            Forward(sender, frame);
        }
    }

    private void HandleHeartbeat(in Sender sender)
    {
        if (sender.Header.Target.Bytes(sender.Body).SequenceEqual(Wire.Router) && sender.Header.Method.Bytes(sender.Body).SequenceEqual(HeartbeatMethod.NameUtf8))
        {
            AnswerHeartbeat(sender);
            return;
        }
        Refuse(sender, HydraErrorCode.BadMessage, "the heartbeat port takes only 'heartbeat' messages to HydraRouter");
    }

    private void AnswerRouterMethod(in Sender sender)
    {
        var method = sender.Header.Method.Bytes(sender.Body);
        if (method.SequenceEqual(PingMethod.NameUtf8))
        {
            _counters.Pongs++;
            Reply(sender, _replies.Empty(sender.Identity, HydraMethods.Pong, sender.ReplyTo));
        }
        else if (method.SequenceEqual(HeartbeatMethod.NameUtf8))
        {
            AnswerHeartbeat(sender); // the Python 0.14 line heartbeats on its only (main) socket
            return;
        }
        else if (method.SequenceEqual(ClientsMethod.NameUtf8))
        {
            AnswerClients(sender);
            return;
        }
        else if (Authenticator.IsAuthMethod(method))
        {
            Authenticate(sender, method);
            return;
        }
        else
        {
            Refuse(sender, HydraErrorCode.UnknownMethod,
                $"the router has no method '{Encoding.UTF8.GetString(method)}' (it answers ping, heartbeat, clients, auth and auth_proof)");
            return;
        }
        Record(_trace is null ? null : Traced(sender, RouteOutcome.Answered));
    }

    private void AnswerHeartbeat(in Sender sender)
    {
        _counters.Heartbeats++;
        Reply(sender, _replies.Empty(sender.Identity, HydraMethods.HeartbeatReply, sender.ReplyTo));
        Record(_trace is null ? null : Traced(sender, RouteOutcome.Heartbeat));
    }

    private void Forward(in Sender sender, in ReceivedFrame frame)
    {
        var target = sender.Header.Target.Bytes(sender.Body);
        var known = _clients.TryGet(target, out var targetEntry);
        if (_federation is not null && !(known && targetEntry.Hold is { IsHeld: true }))
        {
            ForwardToCluster(sender, target);
            return;
        }
        if (_auth is not null && !_auth.IsProven(target))
        {
            Refuse(sender, HydraErrorCode.Unauthorized, $"'{sender.Header.Target.ToString(sender.Body)}' has not proven its key; nothing is delivered to it");
            return;
        }
        var traced = _trace is null ? null : Traced(sender, RouteOutcome.Forwarded);
        var result = _transport.Forward(PortKind.Main, target, known ? targetEntry.Envelope : Envelope.Bare, frame, known ? targetEntry : null);
        if (result is SendResult.Sent or SendResult.Queued)
        {
            // Counted now; a queued forward that then fails is taken back in OnForwardFailed.
            _counters.Routed++;
            if (known)
            {
                targetEntry.MessagesOut++;
            }
            Record(traced);
            return;
        }
        RefuseForward(sender, result);
    }

    /// <summary>A forward the transport queued could not be sent: uncounted, and refused as if it had failed at once.</summary>
    private void OnForwardFailed(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame, SendResult result, object? target)
    {
        _counters.Routed--;
        if (target is ClientEntry entry)
        {
            entry.MessagesOut--;
        }
        // The message was admitted a moment ago: only what a refusal needs is read again.
        var sender = new Sender(port, identity, frame.Body, Framing.Classify(frame.Parts, frame.FirstPartEmpty) ?? Envelope.Bare);
        FrameInspector.Inspect(frame.Body, out sender.Header);
        sender.Entry = _clients.TryGet(identity, out var senderEntry) ? senderEntry : null;
        RefuseForward(sender, result);
    }

    private void RefuseForward(in Sender sender, SendResult result)
    {
        if (result == SendResult.UnknownPeer)
        {
            Refuse(sender, HydraErrorCode.UnknownTarget, $"no peer named '{sender.Header.Target.ToString(sender.Body)}' is connected");
            return;
        }
        Refuse(sender, HydraErrorCode.Busy,
            $"'{sender.Header.Target.ToString(sender.Body)}' has {_options.HighWatermark} messages waiting; this one was not delivered");
    }

    private void Refuse(in Sender sender, HydraErrorCode code, string detail, LogLevel level = LogLevel.Warning)
    {
        _counters.CountError(code);
        var who = sender.Entry?.DisplayName ?? IdentityText.Of(sender.Identity);
        _errorLog.Refused(who, code, detail, level);
        if (_trace is not null)
        {
            Record(new RoutedMessage(_options.TimeProvider.GetUtcNow(), who, "", "", RouteOutcome.Refused, code));
        }
        Reply(sender, _replies.Error(sender.Identity, code, detail, sender.ReplyTo));
    }

    /// <summary>Sends one of the router's own messages; a failure is counted and logged, never silent.</summary>
    private void Reply(in Sender sender, ReadOnlySpan<byte> json)
    {
        if (_transport.Send(sender.Port, sender.Identity, sender.Envelope, json) == SendResult.Sent)
        {
            if (sender.Entry is not null)
            {
                sender.Entry.MessagesOut++;
            }
            return;
        }
        _counters.RepliesNotDelivered++;
        _errorLog.NotDelivered(sender.Entry?.DisplayName ?? IdentityText.Of(sender.Identity));
    }

    private RoutedMessage Traced(in Sender sender, RouteOutcome outcome) =>
        new(_options.TimeProvider.GetUtcNow(), sender.Header.Sender.ToString(sender.Body), sender.Header.Target.ToString(sender.Body),
            sender.Header.Method.ToString(sender.Body), outcome);
}
