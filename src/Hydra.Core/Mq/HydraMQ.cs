using System.Collections.Concurrent;
using System.Threading.Channels;
using Hydra.Messages;
using Hydra.Protocol;
using Hydra.Security;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Mq;

/// <summary>
/// A peer of a Hydra router: one identity, two DEALER sockets (messages and heartbeats).
/// Both sockets live on one poller thread; every public method may be called from any
/// thread and hands its work over through a queue.
/// </summary>
public sealed partial class HydraMQ : IAsyncDisposable
{
    private static readonly TimeSpan QuitBudget = TimeSpan.FromSeconds(2);

    private readonly HydraMQOptions _options;
    private readonly ILogger _log;
    private readonly Channel<HydraMsg> _inbox;
    private readonly Channel<HydraMsg> _requests;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HydraMsg>> _pending = new();
    private readonly RecentIds _timedOut = new(capacity: 1024);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lifecycle = new();
    private DealerSocket? _main;
    private DealerSocket? _heartbeat;
    private NetMQQueue<Outgoing>? _outbox;
    private NetMQTimer? _heartbeatTimer;
    private NetMQPoller? _poller;
    private Task _dispatching = Task.CompletedTask;
    private long _lastHeartbeatReply;
    private TaskCompletionSource _nextHeartbeatReply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _requestCounter;
    private bool _disposed;

    /// <summary>Creates a peer; nothing connects until <see cref="Start"/>.</summary>
    public HydraMQ(HydraMQOptions? options = null)
    {
        _options = options ?? HydraMQOptions.Default;
        Identity = _options.Identity ?? HydraIdentities.Unique(HydraIdentities.MQ);
        _log = _options.LoggerFactory.CreateLogger("Hydra.MQ");
        _inbox = Channel.CreateBounded<HydraMsg>(new BoundedChannelOptions(_options.InboxCapacity) { SingleWriter = true });
        _requests = Channel.CreateBounded<HydraMsg>(new BoundedChannelOptions(_options.InboxCapacity) { SingleWriter = true, SingleReader = true });
        _curveKeys = CurveKeysFor(_options);
        if (_curveKeys is null)
        {
            _authenticated.SetResult(); // nothing to prove
        }
    }

    /// <summary>This peer's routing identity, used as <c>sender</c>.</summary>
    public string Identity { get; }

    /// <summary>The options this peer runs with.</summary>
    public HydraMQOptions Options => _options;

    /// <summary>True once <see cref="Start"/> ran (and until disposed).</summary>
    public bool IsStarted { get; private set; }

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
    /// <exception cref="HydraTimeoutException">Not connected within <paramref name="timeout"/> (default: the network timeout).</exception>
    public async Task WaitUntilConnectedAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = _options.TimeProvider.GetTimestamp();
        var wait = timeout ?? _options.NetworkTimeout;
        await WaitForHeartbeatReplyAsync(wait, cancellationToken).ConfigureAwait(false);
        var left = wait - _options.TimeProvider.GetElapsedTime(started);
        await RequestAsync(CreateMessage(HydraIdentities.Router, HydraMethods.Ping), left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
    }

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
                throw new HydraTimeoutException($"no heartbeat reply from {_options.RouterAddress}:{_options.RouterHeartbeatPort} within {wait.TotalSeconds:0.###} s");
            }
        }
    }

    /// <summary>
    /// Raised (on a pool thread) when a reply arrives for a request that already timed out.
    /// Such a reply never answers a later request.
    /// </summary>
    public event Action<HydraMsg>? LateReply;

    /// <summary>Messages received that were not replies and had no handler, as they arrive.</summary>
    public IAsyncEnumerable<HydraMsg> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _inbox.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Connects both sockets and starts heartbeats (and handlers, if any). Calling it again does nothing.</summary>
    /// <exception cref="HydraException"><see cref="HydraErrorCode.Network"/> when the router's address cannot be used (e.g. an unknown host).</exception>
    public void Start()
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsStarted)
            {
                return;
            }
            ConnectSockets();
            _outbox = new NetMQQueue<Outgoing>();
            _outbox.ReceiveReady += (_, _) => SendQueued();
            _heartbeatTimer = new NetMQTimer(_options.HeartbeatInterval);
            _heartbeatTimer.Elapsed += (_, _) => SendHeartbeat();
            _main.ReceiveReady += (_, _) => DrainMain();
            _heartbeat.ReceiveReady += (_, _) => DrainHeartbeat();
            _poller = [_main, _heartbeat, _outbox, _heartbeatTimer];
            _poller.RunAsync($"HydraMQ {Identity}", isBackgroundThread: true);
            _outbox.Enqueue(Outgoing.Heartbeat); // the first one now, not one interval from now
            BeginAuthentication();
            if (_options.Methods is { Count: > 0 })
            {
                _dispatching = Task.Run(DispatchLoopAsync);
            }
            IsStarted = true;
        }
        _log.LogDebug("{Identity} connecting to {Address}:{Port}/{HeartbeatPort}", Identity, _options.RouterAddress, _options.RouterPort, _options.RouterHeartbeatPort);
    }

    /// <summary>Sends one message. Completes when ZeroMQ has taken it (with keys in play, once the peer has proven its key).</summary>
    /// <exception cref="HydraException"><see cref="HydraErrorCode.Busy"/> when the queue to the router is full;
    /// <see cref="HydraErrorCode.TooLarge"/> when the message is over <see cref="HydraMQOptions.MaxMessageSize"/>.</exception>
    public Task SendAsync(HydraMsg message, CancellationToken cancellationToken = default) =>
        _authenticated.Task.IsCompletedSuccessfully
            ? SendCoreAsync(message, cancellationToken)
            : SendWhenAuthenticatedAsync(message, cancellationToken);

    private async Task SendWhenAuthenticatedAsync(HydraMsg message, CancellationToken cancellationToken)
    {
        await WaitUntilAuthenticatedAsync(null, cancellationToken).ConfigureAwait(false);
        await SendCoreAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private Task SendCoreAsync(HydraMsg message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureRunning();
        var frame = message.ToJson();
        if (frame.Length > _options.MaxMessageSize)
        {
            // The router would drop the connection for it; say so here, before anything is lost.
            throw new HydraException(HydraErrorCode.TooLarge, $"{message} is {frame.Length} bytes; the limit is {_options.MaxMessageSize}");
        }
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _outbox!.Enqueue(new Outgoing(frame, sent));
        return sent.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Receives the next message that is not a reply to a request and has no handler.</summary>
    /// <exception cref="HydraTimeoutException">Nothing came within <paramref name="timeout"/> (default: the network timeout).</exception>
    public async Task<HydraMsg> ReceiveAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var wait = timeout ?? _options.NetworkTimeout;
        // Cancelling the read itself (not just abandoning it) guarantees a message that arrives
        // after the timeout stays in the inbox for the next call.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(wait);
        try
        {
            return await _inbox.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            throw new HydraTimeoutException($"no message within {wait.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is ChannelClosedException || (e is OperationCanceledException && _stopping.IsCancellationRequested))
        {
            throw new HydraException(HydraErrorCode.Closed, "the peer has quit");
        }
    }

    /// <summary>
    /// Sends a request and waits for the reply that carries its id. A reply that comes after
    /// the timeout never answers a later request (see <see cref="LateReply"/>).
    /// </summary>
    /// <exception cref="HydraTimeoutException">No reply within <paramref name="timeout"/>.</exception>
    /// <exception cref="HydraRemoteException">The reply was an <c>error</c> (unknown target, unknown method, …).</exception>
    public async Task<HydraMsg> RequestAsync(HydraMsg request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await WaitUntilAuthenticatedAsync(timeout, cancellationToken).ConfigureAwait(false);
        return await RequestCoreAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HydraMsg> RequestCoreAsync(HydraMsg request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wait = timeout ?? _options.NetworkTimeout;
        var id = request.Id ?? $"{Identity}:{Interlocked.Increment(ref _requestCounter)}";
        var withId = request.Id is null
            ? new HydraMsg(request.Sender, request.Target, request.Method, request.Payload) { Id = id, ReplyTo = request.ReplyTo }
            : request;
        var reply = new TaskCompletionSource<HydraMsg>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, reply))
        {
            throw new ArgumentException($"a request with id '{id}' is already waiting", nameof(request));
        }
        try
        {
            await SendCoreAsync(withId, cancellationToken).ConfigureAwait(false);
            var answer = await reply.Task.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            return answer.IsError ? throw RemoteError(answer) : answer;
        }
        catch (TimeoutException)
        {
            _timedOut.Add(id);
            throw new HydraTimeoutException($"no reply to {request.Method} from {request.Target} within {wait.TotalSeconds:0.###} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>A message from this peer (its identity as sender).</summary>
    public HydraMsg CreateMessage(string target, string method, System.Text.Json.Nodes.JsonObject? payload = null) =>
        new(Identity, target, method, payload);

    /// <summary>Stops heartbeats and handlers and closes both sockets, within a bounded time.</summary>
    public async ValueTask QuitAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _requests.Writer.TryComplete();
        await _dispatching.WaitAsync(QuitBudget).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        if (_poller is not null)
        {
            try
            {
                await Task.Run(_poller.Stop).WaitAsync(QuitBudget).ConfigureAwait(false);
                _poller.Dispose();
                _main!.Dispose();
                _heartbeat!.Dispose();
                _outbox!.Dispose();
            }
            catch (TimeoutException)
            {
                // The poller thread is stuck; its sockets are its own, so leave them rather than race it.
                _log.LogWarning("{Identity}: the socket thread did not stop within {Seconds} s; sockets left to the process exit", Identity, QuitBudget.TotalSeconds);
            }
        }
        foreach (var (_, waiting) in _pending)
        {
            waiting.TrySetException(new HydraException(HydraErrorCode.Closed, "the peer has quit"));
        }
        _inbox.Writer.TryComplete();
        // _stopping is left undisposed on purpose: a call racing with quit may still read its token.
        IsStarted = false;
        _log.LogDebug("{Identity} quit", Identity);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => QuitAsync();

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_main), nameof(_heartbeat))]
    private void ConnectSockets()
    {
        var endpoint = "";
        try
        {
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            endpoint = $"tcp://{_options.RouterAddress}:{_options.RouterPort}";
            _main.Connect(endpoint);
            endpoint = $"tcp://{_options.RouterAddress}:{_options.RouterHeartbeatPort}";
            _heartbeat.Connect(endpoint);
        }
        catch (Exception e) when (e is NetMQException or System.Net.Sockets.SocketException or ArgumentException)
        {
            // e.g. a host name that does not resolve: one clear error, nothing left open.
            _main?.Dispose();
            _heartbeat?.Dispose();
            throw new HydraException(HydraErrorCode.Network, $"cannot connect to {endpoint}: {e.Message}", e);
        }
    }

    private DealerSocket CreateSocket()
    {
        var socket = new DealerSocket();
        socket.Options.Identity = System.Text.Encoding.UTF8.GetBytes(Identity);
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.SendHighWatermark = _options.HighWatermark;
        socket.Options.ReceiveHighWatermark = _options.HighWatermark;
        socket.Options.MaxMsgSize = _options.MaxMessageSize;
        if (_curveKeys is not null)
        {
            socket.Options.CurveServerKey = CurveKeyPair.DecodePublic(_options.CurveServerKey!);
            socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(_curveKeys.SecretKey);
        }
        return socket;
    }

    private void EnsureRunning()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsStarted)
        {
            throw new InvalidOperationException("call Start() before sending");
        }
    }

    private static HydraRemoteException RemoteError(HydraMsg error)
    {
        var wire = error.Payload["code"]?.ToString() ?? "error";
        var detail = error.Payload["detail"]?.ToString() ?? "";
        return new HydraRemoteException(HydraErrorCodes.FromWire(wire) ?? HydraErrorCode.Other, wire, detail, error);
    }
}
