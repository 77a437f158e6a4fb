using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// Is the router there? Heartbeat replies say so; when they do not come, the transport's view of
// the TCP connection says why as far as it can be known: nothing listens, the handshake fails
// (encryption settings differ), or the router is connected but silent.
public sealed partial class HydraMQ
{
    private long _lastHeartbeatReply;
    private TaskCompletionSource _nextHeartbeatReply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LinkWatch _mainLink = new();
    private readonly LinkWatch _heartbeatLink = new();
    private int _reportedConnected; // 1 once "connected" was logged, until "no reply" is (Interlocked: loop and timer threads)
    private bool _reportedSilence;  // timer thread only
    private int _quietTicks;        // timer thread only

    /// <summary>A heartbeat reply has been seen, and the last is at most 2 × the interval old.</summary>
    public bool IsConnected
    {
        get
        {
            var last = Interlocked.Read(ref _lastHeartbeatReply);
            return last != 0 && _options.TimeProvider.GetElapsedTime(last) <= 2 * _options.HeartbeatInterval;
        }
    }

    /// <summary>
    /// Waits until the router has answered on both sockets: a heartbeat reply (so <see cref="IsConnected"/>)
    /// and a pong on the main socket (so the router can deliver messages to this peer).
    /// </summary>
    /// <exception cref="HydraTimeoutException">Not connected within <see cref="HydraMQOptions.NetworkTimeout"/>; the message says why, as far as is known.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        var started = _options.TimeProvider.GetTimestamp();
        var wait = _options.NetworkTimeout;
        await WaitForHeartbeatReplyAsync(wait, cancellationToken).ConfigureAwait(false);
        var left = wait - _options.TimeProvider.GetElapsedTime(started);
        left = left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
        await WaitUntilAuthenticatedAsync(left, cancellationToken).ConfigureAwait(false);
        // Any pong from the router will do, with or without reply_to (a Python router strips ids).
        await RequestCoreAsync(CreateMessage(HydraIdentities.Router, HydraMethods.Ping), left, matchUncorrelated: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What is known about why the router does not answer, in words; empty while it answers.</summary>
    public string DescribeConnection()
    {
        if (IsConnected)
        {
            return "";
        }
        var main = $"{_options.RouterAddress}:{_options.RouterPort}";
        var problem = _mainLink.Describe(main) ?? _heartbeatLink.Describe($"{_options.RouterAddress}:{_options.RouterHeartbeatPort} (the heartbeat port)");
        if (problem is not null)
        {
            return problem;
        }
        if (_authenticated.Task.IsFaulted)
        {
            return _authenticated.Task.Exception!.InnerException!.Message;
        }
        return _mainLink.IsUp ? $"connected to {main}, but the router has not answered yet" : $"connecting to {main}";
    }

    private string SilenceSuffix() => DescribeConnection() is { Length: > 0 } why ? $" ({why})" : "";

    private async Task WaitForHeartbeatReplyAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        while (!IsConnected)
        {
            var nextReply = Volatile.Read(ref _nextHeartbeatReply).Task;
            if (IsConnected)
            {
                break;
            }
            try
            {
                await nextReply.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HydraTimeoutException($"no heartbeat reply from {_options.RouterAddress}:{_options.RouterHeartbeatPort} within {wait.TotalSeconds:0.###} s{SilenceSuffix()}");
            }
        }
    }

    /// <summary>Loop thread.</summary>
    private void OnHeartbeatReply()
    {
        if (Interlocked.Exchange(ref _reportedConnected, 1) == 0)
        {
            _log.LogConnected(Identity, _options.RouterAddress, _options.RouterPort);
        }
        _mainLink.Answered();
        _heartbeatLink.Answered();
        if (_curveKeys is not null && _authenticated.Task.IsFaulted)
        {
            BeginAuthentication(); // answered after a refusal: the router now accepts the key (e.g. it was added)
        }
        Interlocked.Exchange(ref _lastHeartbeatReply, _options.TimeProvider.GetTimestamp());
        Interlocked.Exchange(ref _nextHeartbeatReply, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Loop thread.</summary>
    private void OnLinkChanged(PortKind port, LinkEvent change)
    {
        (port == PortKind.Main ? _mainLink : _heartbeatLink).On(change);
        if (change == LinkEvent.Refused && _curveKeys is not null)
        {
            // The router's handshake check answers for the key before any message could: no proof will come.
            _authenticated.TrySetException(new HydraException(HydraErrorCode.Unauthorized,
                KeyRefusal($"key {_curveKeys.PublicKey} is not authorized on this router (refused in the CURVE handshake)")));
        }
    }

    /// <summary>Timer thread, once per heartbeat interval: say so when the router went quiet, or never answered.</summary>
    private void ReportConnectionChanges()
    {
        if (IsConnected)
        {
            _reportedSilence = false;
            _quietTicks = 0;
            return;
        }
        if (Interlocked.Exchange(ref _reportedConnected, 0) == 1)
        {
            _log.LogNoHeartbeatReply(Identity, (2 * _options.HeartbeatInterval).TotalSeconds, DescribeConnection());
        }
        else if (!_reportedSilence && ++_quietTicks >= 2)
        {
            _reportedSilence = true; // once, until connected
            _log.LogNotConnectedYet(Identity, DescribeConnection());
        }
    }

    /// <summary>What a transport said about one connection, kept to explain silence. Written on the loop thread, read anywhere.</summary>
    private sealed class LinkWatch
    {
        private volatile bool _up;
        private volatile bool _everUp;
        private volatile bool _answered;
        private volatile bool _refused;
        private int _dropsBeforeAnswer;

        public bool IsUp => _up;

        public void On(LinkEvent change)
        {
            switch (change)
            {
                case LinkEvent.Connected:
                    _up = _everUp = true;
                    break;
                case LinkEvent.Refused:
                    _refused = true;
                    break;
                case LinkEvent.Disconnected:
                    _up = false;
                    if (!_answered)
                    {
                        Interlocked.Increment(ref _dropsBeforeAnswer);
                    }
                    break;
            }
        }

        public void Answered()
        {
            _answered = true;
            _refused = false;
            Volatile.Write(ref _dropsBeforeAnswer, 0);
        }

        /// <summary>The problem with this connection, or null when it looks fine.</summary>
        public string? Describe(string where)
        {
            if (!_everUp)
            {
                return $"no connection to {where}: nothing accepts connections there (is the router running, and are host and port right?)";
            }
            if (_refused)
            {
                return $"{where} refused this peer's key in the CURVE handshake: it is not on the router's authorized list";
            }
            if (Volatile.Read(ref _dropsBeforeAnswer) > 0)
            {
                return $"{where} accepts connections but closes them during the ZeroMQ handshake: the encryption settings differ "
                    + "(an encrypted router needs its public key, --server-key; a wrong key or a key for an unencrypted router fails the same way), "
                    + "or the router does not accept this peer's key (--curve-key)";
            }
            return _up ? null : $"the connection to {where} closed (the router stopped?); reconnecting";
        }
    }
}
