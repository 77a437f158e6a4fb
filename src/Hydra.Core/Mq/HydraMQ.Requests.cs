using System.Collections.Concurrent;
using Hydra.Mq;
using Hydra.Protocol;
using Microsoft.Extensions.Logging;

namespace Hydra;

// Requests and their replies. A reply answers the request whose id it carries as reply_to;
// one that comes after its request timed out is reported as late, never taken as the answer
// to a later request. Replies without reply_to (the original's peers write none, and a Python
// router strips ids) answer a request only when asked for (HydraMQOptions.MatchUncorrelatedReplies):
// then each target has a line of its waiting requests, first in, first out, as the original
// reads the next message as the answer.
public sealed partial class HydraMQ
{
    /// <summary>Lines kept at most: past this, a line with nothing waiting forgets the replies it is owed.</summary>
    private const int MaxIdleLines = 1024;

    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new();
    private readonly RecentIds _timedOut = new(capacity: 1024);
    private readonly Dictionary<string, ReplyLine> _lines = new(StringComparer.Ordinal); // locked on itself
    private long _requestCounter;

    /// <summary>A request waiting for its reply; whoever removes it from <see cref="_pending"/> completes it.</summary>
    private sealed class PendingRequest(string id, string target, bool matchUncorrelated)
    {
        public TaskCompletionSource<HydraMsg> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id { get; } = id;

        /// <summary>Whom the request went to: only that peer's reply can answer it without an id.</summary>
        public string Target { get; } = target;

        /// <summary>Whether a reply without reply_to may answer it (then it waits in its target's line).</summary>
        public bool MatchUncorrelated { get; } = matchUncorrelated;

        /// <summary>Its place in its target's line while it waits there (under the lines' lock).</summary>
        public LinkedListNode<PendingRequest>? InLine { get; set; }

        /// <summary>Given up for its timeout (under the lines' lock).</summary>
        public bool TimedOut { get; set; }
    }

    /// <summary>One target's requests that a reply without reply_to may answer. Under the lines' lock.</summary>
    private sealed class ReplyLine
    {
        /// <summary>Oldest first.</summary>
        public LinkedList<PendingRequest> Waiting { get; } = new();

        /// <summary>Requests that timed out unanswered: with nothing waiting, a reply is one of theirs, late.</summary>
        public int Owed { get; set; }

        public bool IsIdle => Waiting.Count == 0;
    }

    /// <summary>
    /// Sends a request and waits for the reply that carries its id. A reply that comes after
    /// the request timed out or was cancelled never answers a later request (see <see cref="LateReply"/>). With
    /// <see cref="HydraMQOptions.MatchUncorrelatedReplies"/>, a reply without <c>reply_to</c> from
    /// the request's target answers the oldest request still waiting for that target.
    /// </summary>
    /// <exception cref="HydraTimeoutException">No reply within <see cref="HydraMQOptions.NetworkTimeout"/>; the message says what is known about the connection.</exception>
    /// <exception cref="HydraRemoteException">The reply was an <c>error</c> (unknown target, unknown method, …).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task<HydraMsg> RequestAsync(HydraMsg request, CancellationToken cancellationToken = default)
    {
        await WaitUntilAuthenticatedAsync(null, cancellationToken).ConfigureAwait(false);
        return await RequestCoreAsync(request, null, _options.MatchUncorrelatedReplies, cancellationToken).ConfigureAwait(false);
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
        var pending = new PendingRequest(id, request.Target, matchUncorrelated);
        if (!_pending.TryAdd(id, pending))
        {
            throw new ArgumentException($"a request with id '{id}' is already waiting", nameof(request));
        }
        var withdrawn = false;
        try
        {
            HydraMsg answer;
            try
            {
                // Given up while queued, the frame still goes out (it cannot be taken back), so it owes its reply too.
                await SendCoreAsync(withId, matchUncorrelated ? pending : null, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _counters.Requests);
                answer = await pending.Reply.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                // Timed out or given up by the caller: either way its reply, if it comes, is late.
                _timedOut.Add(id); // first: its reply may come as soon as it is withdrawn
                withdrawn = Withdraw(pending, timedOut: true);
                if (withdrawn && e is TimeoutException)
                {
                    Interlocked.Increment(ref _counters.Timeouts);
                    throw new HydraTimeoutException($"no reply to {request.Method} from {request.Target} within {wait.TotalSeconds:0.###} s{SilenceSuffix()}");
                }
                if (withdrawn)
                {
                    throw;
                }
                answer = await pending.Reply.Task.ConfigureAwait(false); // a reply took it as the wait ended: it answers after all
            }
            return answer.IsError ? throw RemoteError(answer) : answer;
        }
        finally
        {
            if (!withdrawn)
            {
                Withdraw(pending, timedOut: false); // answered, cancelled or not sent: nothing is owed
            }
        }
    }

    /// <summary>
    /// Loop thread, as the request's frame is sent: it takes its place at the end of its target's
    /// line. One given up before it was sent (it timed out in the queue) owes its reply instead.
    /// </summary>
    private void JoinLine(PendingRequest pending)
    {
        lock (_lines)
        {
            var waiting = _pending.TryGetValue(pending.Id, out var current) && current == pending;
            if (!waiting && !pending.TimedOut)
            {
                return; // cancelled or failed before it left
            }
            if (!_lines.TryGetValue(pending.Target, out var line))
            {
                line = new ReplyLine();
                _lines.Add(pending.Target, line);
            }
            if (waiting)
            {
                pending.InLine = line.Waiting.AddLast(pending);
            }
            else
            {
                line.Owed++;
            }
        }
    }

    /// <summary>
    /// Any thread: takes a request back from <see cref="_pending"/> and its line. False when a
    /// reply already took it. A request that timed out after it was sent leaves an owed reply in its line.
    /// </summary>
    private bool Withdraw(PendingRequest pending, bool timedOut)
    {
        if (!pending.MatchUncorrelated)
        {
            return _pending.TryRemove(KeyValuePair.Create(pending.Id, pending));
        }
        lock (_lines)
        {
            var withdrawn = _pending.TryRemove(KeyValuePair.Create(pending.Id, pending));
            pending.TimedOut = withdrawn && timedOut;
            if (pending.InLine is not { } node)
            {
                return withdrawn; // not sent yet (JoinLine counts what it owes), or a reply took it
            }
            var line = _lines[pending.Target];
            line.Waiting.Remove(node);
            pending.InLine = null;
            if (pending.TimedOut)
            {
                line.Owed++;
            }
            if (line.IsIdle && (line.Owed == 0 || _lines.Count > MaxIdleLines))
            {
                _lines.Remove(pending.Target); // nothing waits, nothing owed (or too many such lines: forget this one's debt)
            }
            return withdrawn;
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
                PayOwed(message.Sender);
                ReportLate(message, replyTo);
                return true;
            }
            return false;
        }
        return TryAnswerUncorrelated(message);
    }

    /// <summary>
    /// Loop thread: a message without reply_to that may be a reply (<see cref="MayBeUncorrelatedReply"/>)
    /// answers the oldest request waiting in its sender's line; with none waiting, it is the late
    /// reply to one that timed out there, if any did. Otherwise it is no reply.
    /// </summary>
    private bool TryAnswerUncorrelated(HydraMsg message)
    {
        // Unlocked look first: no line at all is the common case (the option is off). Lines are made
        // on this thread only (JoinLine), so a stale count can only be too high, which takes the lock.
        if (_lines.Count == 0 || !MayBeUncorrelatedReply(message))
        {
            return false;
        }
        PendingRequest? answered = null;
        lock (_lines)
        {
            if (!_lines.TryGetValue(message.Sender, out var line))
            {
                return false;
            }
            while (answered is null && line.Waiting.First is { } oldest)
            {
                line.Waiting.RemoveFirst();
                oldest.Value.InLine = null;
                if (_pending.TryRemove(KeyValuePair.Create(oldest.Value.Id, oldest.Value)))
                {
                    answered = oldest.Value;
                } // else a reply with its id took it already: it leaves the line
            }
            if (answered is null)
            {
                if (line.Owed == 0)
                {
                    ForgetIfSettled(message.Sender, line);
                    return false;
                }
                line.Owed--;
            }
            ForgetIfSettled(message.Sender, line);
        }
        if (answered is null)
        {
            ReportLate(message, requestId: null);
            return true;
        }
        if (_log.IsEnabled(LogLevel.Debug))
        {
            _log.LogUncorrelatedAnswer(Identity, message, answered.Id);
        }
        answered.Reply.TrySetResult(message);
        return true;
    }

    /// <summary>Loop thread: a late reply with reply_to came from <paramref name="sender"/>; what it owed is paid.</summary>
    private void PayOwed(string sender)
    {
        if (_lines.Count == 0)
        {
            return;
        }
        lock (_lines)
        {
            if (_lines.TryGetValue(sender, out var line) && line.Owed > 0)
            {
                line.Owed--;
                ForgetIfSettled(sender, line);
            }
        }
    }

    /// <summary>Under the lock: a line with nothing waiting and nothing owed is forgotten.</summary>
    private void ForgetIfSettled(string target, ReplyLine line)
    {
        if (line.IsIdle && line.Owed == 0)
        {
            _lines.Remove(target);
        }
    }

    /// <summary>
    /// Whether a message without reply_to can be a reply: anything but what is itself a request.
    /// From the router every message is an answer, except an error, which without reply_to is about
    /// a message sent without id (the router answers every request with reply_to) or not readable.
    /// From a peer, a request is a <c>ping</c> or <c>heartbeat</c>, a method this peer has a handler
    /// for, or a message with an <c>id</c> (what every request of a .NET peer carries), unless its
    /// method names a reply (the Python 0.14 line wrote an id on its pongs too).
    /// </summary>
    private bool MayBeUncorrelatedReply(HydraMsg message)
    {
        if (message.Sender == HydraIdentities.Router)
        {
            return !message.IsError;
        }
        if (message.Method is HydraMethods.Ping or HydraMethods.Heartbeat
            || (_options.Methods is { } methods && methods.ContainsKey(message.Method)))
        {
            return false;
        }
        return message.Id is null || IsReplyMethod(message.Method);
    }

    /// <summary>The original's reply names: pong, heartbeat_reply, error, and <c>&lt;method&gt;_reply</c>.</summary>
    private static bool IsReplyMethod(string method) =>
        method is HydraMethods.Pong or HydraMethods.HeartbeatReply or HydraMethods.Error
        || method.EndsWith("_reply", StringComparison.Ordinal);

    /// <summary>Loop thread: a reply whose request timed out. It answers nothing and raises <see cref="LateReply"/>.</summary>
    private void ReportLate(HydraMsg message, string? requestId)
    {
        _counters.LateReplies++; // loop thread only
        if (requestId is not null)
        {
            _log.LogLateReply(Identity, message, requestId);
        }
        else
        {
            _log.LogLateUncorrelatedReply(Identity, message, message.Sender);
        }
        var late = LateReply;
        if (late is not null)
        {
            var args = new LateReplyEventArgs(message, requestId);
            ThreadPool.QueueUserWorkItem(_ => late(this, args));
        }
    }

    private void FailPending(HydraException reason)
    {
        foreach (var (_, waiting) in _pending)
        {
            waiting.Reply.TrySetException(reason);
        }
    }

    private static HydraRemoteException RemoteError(HydraMsg error)
    {
        var wire = error.Payload[ErrorMethod.CodeKey]?.ToString() ?? "error";
        var detail = error.Payload[ErrorMethod.DetailKey]?.ToString() ?? "";
        return new HydraRemoteException(HydraErrorCodes.FromWire(wire) ?? HydraErrorCode.Other, wire, detail, error);
    }
}
