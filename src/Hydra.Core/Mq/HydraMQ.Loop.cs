using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// What runs on the transport's loop thread, the only thread that touches the sockets:
// sending what callers queued, heartbeats, and handing received messages on.
public sealed partial class HydraMQ
{
    private readonly byte[] _heartbeatFrame;

    /// <summary>
    /// A frame waiting to be sent; <see cref="Sent"/> is null for heartbeats. <see cref="JoinsLine"/>:
    /// a request that takes its place in its target's line as it is sent, so the line keeps the wire's order.
    /// </summary>
    private readonly record struct Outgoing(byte[]? Frame, TaskCompletionSource? Sent, PendingRequest? JoinsLine = null)
    {
        public static Outgoing Heartbeat => default;
        public bool IsHeartbeat => Frame is null;
    }

    private void SendOutgoing(Outgoing item)
    {
        if (item.IsHeartbeat)
        {
            SendHeartbeat();
        }
        else
        {
            switch (_transport!.Send(PortKind.Main, item.Frame))
            {
                case SendResult.Sent:
                    _counters.Sent++;
                    if (item.JoinsLine is { } request)
                    {
                        JoinLine(request);
                    }
                    item.Sent!.TrySetResult();
                    break;
                case SendResult.QueueFull:
                    item.Sent!.TrySetException(new HydraException(HydraErrorCode.Busy,
                        $"{_options.HighWatermark} messages are already queued towards the router; this one was not sent{SilenceSuffix()}"));
                    break;
                default:
                    item.Sent!.TrySetException(new HydraException(HydraErrorCode.Busy,
                        $"there is no connection to the router to queue this message into; it was not sent{SilenceSuffix()}"));
                    break;
            }
        }
    }

    private void SendHeartbeat()
    {
        if (_transport!.Send(PortKind.Heartbeat, _heartbeatFrame) != SendResult.Sent)
        {
            _log.LogHeartbeatNotQueued(Identity);
        }
    }

    /// <summary>Timer thread: queue the next heartbeat, and say so when the router went quiet or came back.</summary>
    private void OnHeartbeatTimer()
    {
        _outbox!.Enqueue(Outgoing.Heartbeat);
        ReportConnectionChanges();
    }

    private void OnFrame(PortKind port, ReadOnlySpan<byte> body)
    {
        HydraMsg message;
        try
        {
            message = HydraMsg.FromJson(body);
        }
        catch (HydraMessageException e)
        {
            _log.LogUndecodable(Identity, e.Message);
            return;
        }
        try
        {
            if (port == PortKind.Heartbeat)
            {
                OnHeartbeatPortMessage(message);
            }
            else
            {
                Deliver(message);
            }
        }
        catch (Exception e)
        {
            // A message must never take the loop thread down with it.
            _log.LogTakeFailed(e, Identity, message);
        }
    }

    private void OnHeartbeatPortMessage(HydraMsg message)
    {
        if (message.Method == HydraMethods.HeartbeatReply)
        {
            OnHeartbeatReply();
        }
        else if (IsUnauthorized(message) && _curveKeys is not null)
        {
            BeginAuthentication(); // the router forgot us (reconnection or restart): prove the key again
        }
        else
        {
            _log.LogUnexpectedOnHeartbeatPort(Identity, message, message.Payload.ToJsonString());
        }
    }

    private void Deliver(HydraMsg message)
    {
        if (message.Method == HydraMethods.HeartbeatReply && message.Sender == HydraIdentities.Router)
        {
            OnHeartbeatReply(); // a router that answers heartbeats on the main port too
            return;
        }
        _counters.Received++;
        if (TryAnswerRequest(message))
        {
            return;
        }
        var isRequest = message.ReplyTo is null && !message.IsError;
        if (isRequest && _options.Methods is { Count: > 0 } methods)
        {
            if (!methods.ContainsKey(message.Method))
            {
                _log.LogNoHandler(Identity, message);
                ReplyFromLoop(message.CreateErrorReply(HydraErrorCode.UnknownMethod,
                    $"'{Identity}' has no method '{message.Method}' (it has: {string.Join(", ", methods.Keys)})"));
            }
            else if (!_requests.Writer.TryWrite(message))
            {
                RefuseBusy(message);
            }
            return;
        }
        if (!_inbox.Writer.TryWrite(message))
        {
            RefuseBusy(message);
        }
    }

    private void RefuseBusy(HydraMsg message)
    {
        _log.LogInboxFull(Identity, _options.InboxCapacity, message);
        if (message.ReplyTo is null && !message.IsError)
        {
            ReplyFromLoop(message.CreateErrorReply(HydraErrorCode.Busy, $"'{Identity}' has {_options.InboxCapacity} messages waiting; this one was not taken"));
        }
    }

    private void ReplyFromLoop(HydraMsg reply)
    {
        if (_transport!.Send(PortKind.Main, reply.ToJson()) != SendResult.Sent)
        {
            _log.LogReplyQueueFull(Identity, reply);
            return;
        }
        _counters.Sent++;
    }

    private async Task DispatchLoopAsync()
    {
        var methods = _options.Methods!;
        try
        {
            await foreach (var request in _requests.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                HydraMsg? reply;
                try
                {
                    reply = await methods[request.Method](request, _stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    _log.LogHandlerFailed(e, Identity, request.Method);
                    reply = request.CreateErrorReply(HydraErrorCode.HandlerFailed, $"{request.Method} failed: {e.Message}");
                }
                if (reply is not null)
                {
                    await SendReplyAsync(reply).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // quitting
        }
    }

    private async Task SendReplyAsync(HydraMsg reply)
    {
        try
        {
            await SendAsync(reply, _stopping.Token).ConfigureAwait(false);
        }
        catch (HydraException e)
        {
            _log.LogReplyNotSent(Identity, reply, e.Message);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            // quitting
        }
    }
}
