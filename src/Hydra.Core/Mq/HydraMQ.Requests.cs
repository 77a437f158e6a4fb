using System.Collections.Concurrent;
using Hydra.Messages;
using Hydra.Protocol;
using Microsoft.Extensions.Logging;

namespace Hydra.Mq;

// Requests and their replies. A reply answers the request whose id it carries as reply_to;
// one that comes after its request timed out is reported as late, never taken as the answer
// to a later request. Replies without reply_to (a Python router strips ids) answer a request
// only when asked for (HydraMQOptions.MatchUncorrelatedReplies), the way the original matches.
public sealed partial class HydraMQ
{
    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new();
    private readonly RecentIds _timedOut = new(capacity: 1024);
    private long _requestCounter;

    /// <param name="Reply">Completed by the reply.</param>
    /// <param name="Target">Whom the request went to: only that peer's reply can answer it without an id.</param>
    /// <param name="ExpectedMethod">The reply method an uncorrelated reply must have (pong for ping), or null when none is known.</param>
    /// <param name="Sequence">Order of sending: the oldest waiting request is answered first.</param>
    /// <param name="MatchUncorrelated">Whether a reply without reply_to may answer it.</param>
    private sealed record PendingRequest(TaskCompletionSource<HydraMsg> Reply, string Target, string? ExpectedMethod, long Sequence, bool MatchUncorrelated);

    /// <summary>
    /// Sends a request and waits for the reply that carries its id. A reply that comes after
    /// the timeout never answers a later request (see <see cref="LateReply"/>).
    /// </summary>
    /// <exception cref="HydraTimeoutException">No reply within <paramref name="timeout"/>; the message says what is known about the connection.</exception>
    /// <exception cref="HydraRemoteException">The reply was an <c>error</c> (unknown target, unknown method, …).</exception>
    public async Task<HydraMsg> RequestAsync(HydraMsg request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilAuthenticatedAsync(timeout, cancellationToken).ConfigureAwait(false);
        return await RequestCoreAsync(request, timeout, _options.MatchUncorrelatedReplies, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HydraMsg> RequestCoreAsync(HydraMsg request, TimeSpan? timeout, bool matchUncorrelated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wait = timeout ?? _options.NetworkTimeout;
        var sequence = Interlocked.Increment(ref _requestCounter);
        var id = request.Id ?? $"{Identity}:{sequence}";
        var withId = request.Id is null
            ? new HydraMsg(request.Sender, request.Target, request.Method, request.Payload) { Id = id, ReplyTo = request.ReplyTo }
            : request;
        var pending = new PendingRequest(new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously),
            request.Target, ReplyMethodOf(request.Method), sequence, matchUncorrelated);
        if (!_pending.TryAdd(id, pending))
        {
            throw new ArgumentException($"a request with id '{id}' is already waiting", nameof(request));
        }
        try
        {
            await SendCoreAsync(withId, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _counters.Requests);
            var answer = await pending.Reply.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            return answer.IsError ? throw RemoteError(answer) : answer;
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _counters.Timeouts);
            _timedOut.Add(id);
            throw new HydraTimeoutException($"no reply to {request.Method} from {request.Target} within {wait.TotalSeconds:0.###} s{SilenceSuffix()}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Loop thread: completes the request <paramref name="message"/> answers, if any. True when it was a reply.</summary>
    private bool TryAnswerRequest(HydraMsg message)
    {
        if (message.ReplyTo is { } replyTo)
        {
            if (_pending.TryRemove(replyTo, out var waiting))
            {
                waiting.Reply.TrySetResult(message);
                return true;
            }
            if (_timedOut.Contains(replyTo))
            {
                _counters.LateReplies++; // loop thread only
                _log.LogInformation("{Identity}: late reply {Message} to request {Id}", Identity, message, replyTo);
                var late = LateReply;
                if (late is not null)
                {
                    ThreadPool.QueueUserWorkItem(_ => late(message));
                }
                return true;
            }
            return false;
        }
        return TryAnswerUncorrelated(message);
    }

    private bool TryAnswerUncorrelated(HydraMsg message)
    {
        KeyValuePair<string, PendingRequest>? oldest = null;
        foreach (var entry in _pending)
        {
            var request = entry.Value;
            if (request.MatchUncorrelated && request.ExpectedMethod == message.Method && request.Target == message.Sender
                && (oldest is null || request.Sequence < oldest.Value.Value.Sequence))
            {
                oldest = entry;
            }
        }
        if (oldest is not { } found || !_pending.TryRemove(found.Key, out var answered))
        {
            return false;
        }
        _log.LogDebug("{Identity}: {Message} carries no reply_to; taken as the answer to request {Id}", Identity, message, found.Key);
        answered.Reply.TrySetResult(message);
        return true;
    }

    /// <summary>The reply a method gets when its answer is fixed by the protocol.</summary>
    private static string? ReplyMethodOf(string method) => method switch
    {
        HydraMethods.Ping => HydraMethods.Pong,
        HydraMethods.Heartbeat => HydraMethods.HeartbeatReply,
        _ => null,
    };

    private void FailPending(HydraException reason)
    {
        foreach (var (_, waiting) in _pending)
        {
            waiting.Reply.TrySetException(reason);
        }
    }

    private static HydraRemoteException RemoteError(HydraMsg error)
    {
        var wire = error.Payload["code"]?.ToString() ?? "error";
        var detail = error.Payload["detail"]?.ToString() ?? "";
        return new HydraRemoteException(HydraErrorCodes.FromWire(wire) ?? HydraErrorCode.Other, wire, detail, error);
    }
}
