using Hydra.Messages;
using Hydra.Protocol;
using Microsoft.Extensions.Logging;
using NetMQ;

namespace Hydra.Mq;

// Everything here runs on the poller thread, the only thread that touches the sockets.
public sealed partial class HydraMQ
{
    /// <summary>A frame waiting to be sent; <see cref="Sent"/> is null for heartbeats.</summary>
    private readonly record struct Outgoing(byte[]? Frame, TaskCompletionSource? Sent)
    {
        public static Outgoing Heartbeat => default;
        public bool IsHeartbeat => Frame is null;
    }

    private void SendQueued()
    {
        while (_outbox!.TryDequeue(out var item, TimeSpan.Zero))
        {
            if (item.IsHeartbeat)
            {
                SendHeartbeat();
            }
            else if (_main!.TrySendFrame(TimeSpan.Zero, item.Frame!))
            {
                item.Sent!.TrySetResult();
            }
            else
            {
                item.Sent!.TrySetException(new HydraException(HydraErrorCode.Busy,
                    $"{_options.HighWatermark} messages are already queued towards the router; this one was not sent"));
            }
        }
    }

    private void SendHeartbeat()
    {
        var beat = new HydraMsg(Identity, HydraIdentities.Router, HydraMethods.Heartbeat).ToJson();
        if (!_heartbeat!.TrySendFrame(TimeSpan.Zero, beat))
        {
            _log.LogDebug("{Identity}: heartbeat not queued (router unreachable for a while)", Identity);
        }
    }

    private void DrainHeartbeat()
    {
        while (TryReceiveMessage(_heartbeat!, out var message))
        {
            if (message?.Method == HydraMethods.HeartbeatReply)
            {
                Interlocked.Exchange(ref _lastHeartbeatReply, _options.TimeProvider.GetTimestamp());
                Interlocked.Exchange(ref _nextHeartbeatReply, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
            else if (message is not null && IsUnauthorized(message) && _curveKeys is not null)
            {
                BeginAuthentication(); // the router forgot us (reconnection or restart): prove the key again
            }
            else if (message is not null)
            {
                _log.LogWarning("{Identity}: unexpected {Message} on the heartbeat port: {Payload}", Identity, message, message.Payload.ToJsonString());
            }
        }
    }

    private void DrainMain()
    {
        while (TryReceiveMessage(_main!, out var message))
        {
            if (message is not null)
            {
                Deliver(message);
            }
        }
    }

    /// <summary>Reads one message; a frame that does not decode is logged and gives null.</summary>
    private bool TryReceiveMessage(NetMQSocket socket, out HydraMsg? message)
    {
        message = null;
        byte[]? frame = null;
        var more = true;
        var any = false;
        // The router sends exactly one frame; should more come, the JSON is the last one.
        while (more && socket.TryReceiveFrameBytes(TimeSpan.Zero, out frame, out more))
        {
            any = true;
        }
        if (!any)
        {
            return false;
        }
        try
        {
            message = HydraMsg.FromJson(frame);
        }
        catch (HydraMessageException e)
        {
            _log.LogWarning("{Identity}: dropped an undecodable frame from the router: {Problem}", Identity, e.Message);
        }
        return true;
    }

    private void Deliver(HydraMsg message)
    {
        if (message.ReplyTo is { } replyTo)
        {
            if (_pending.TryRemove(replyTo, out var waiting))
            {
                waiting.TrySetResult(message);
                return;
            }
            if (_timedOut.Contains(replyTo))
            {
                _log.LogInformation("{Identity}: late reply {Message} to request {Id}", Identity, message, replyTo);
                var late = LateReply;
                if (late is not null)
                {
                    ThreadPool.QueueUserWorkItem(_ => late(message));
                }
                return;
            }
        }
        var isRequest = message.ReplyTo is null && !message.IsError;
        if (isRequest && _options.Methods is { Count: > 0 } methods)
        {
            if (!methods.ContainsKey(message.Method))
            {
                _log.LogWarning("{Identity}: no handler for {Message}", Identity, message);
                ReplyFromPoller(message.CreateErrorReply(HydraErrorCode.UnknownMethod,
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
        _log.LogWarning("{Identity}: inbox full ({Capacity}); refused {Message}", Identity, _options.InboxCapacity, message);
        if (message.ReplyTo is null && !message.IsError)
        {
            ReplyFromPoller(message.CreateErrorReply(HydraErrorCode.Busy, $"'{Identity}' has {_options.InboxCapacity} messages waiting; this one was not taken"));
        }
    }

    private void ReplyFromPoller(HydraMsg reply)
    {
        if (!_main!.TrySendFrame(TimeSpan.Zero, reply.ToJson()))
        {
            _log.LogWarning("{Identity}: could not send {Reply}: queue to the router full", Identity, reply);
        }
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
                    _log.LogError(e, "{Identity}: handler for {Method} failed", Identity, request.Method);
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
            _log.LogWarning("{Identity}: reply {Reply} not sent: {Reason}", Identity, reply, e.Message);
        }
        catch (ObjectDisposedException)
        {
            // quitting
        }
    }
}
