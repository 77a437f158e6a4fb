using System.Collections.Concurrent;
using System.Threading.Channels;
using Hydra.Mq;
using Hydra.Observability;
using Hydra.Protocol;
using Hydra.Security;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

/// <summary>
/// A peer of a Hydra router: one identity, two connections (messages and heartbeats) on a
/// transport whose loop thread alone touches the sockets. Every public method may be called
/// from any thread and hands its work over through a queue.
/// </summary>
public sealed partial class HydraMQ : IAsyncDisposable
{
    private static readonly TimeSpan QuitBudget = TimeSpan.FromSeconds(2);

    private readonly HydraMQOptions _options;
    private readonly ILogger _log;
    private readonly Func<IPeerTransport> _createTransport;
    private readonly Channel<HydraMsg> _inbox;
    private readonly Channel<HydraMsg> _requests;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private IPeerTransport? _transport;
    private IInboundQueue<Outgoing>? _outbox;
    private ITimer? _heartbeatTimer;
    private Task _dispatching = Task.CompletedTask;
    private Task? _stopped; // the one stop, however many ask for it
    private readonly PeerCounters _counters = new(); // the Hydra.MQ meter reads them
    private PeerMetrics? _metrics;

    /// <summary>The Hydra.MQ meter while started (tests listen to this one only).</summary>
    internal PeerMetrics? Metrics => _metrics;
    private volatile PeerState _state;

    private enum PeerState { New, Running, Quit }

    /// <summary>Creates a peer; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options do not fit together (e.g. a reserved identity); the message says which.</exception>
    public HydraMQ(HydraMQOptions? options = null)
        : this(options ?? HydraMQOptions.Default, transport: null)
    {
    }

    /// <summary>A peer on a given transport (tests use the in-memory one).</summary>
    internal HydraMQ(HydraMQOptions options, Func<string, CurveKeyPair?, IPeerTransport>? transport)
    {
        _options = options;
        Identity = _options.Identity ?? HydraIdentities.Unique(HydraIdentities.MQ);
        CheckIdentity(Identity);
        _log = _options.LoggerFactory.CreateLogger("Hydra.MQ");
        _inbox = Channel.CreateBounded<HydraMsg>(new BoundedChannelOptions(_options.InboxCapacity) { SingleWriter = true });
        _requests = Channel.CreateBounded<HydraMsg>(new BoundedChannelOptions(_options.InboxCapacity) { SingleWriter = true, SingleReader = true });
        _curveKeys = CurveKeysFor(_options);
        _heartbeatFrame = new HydraMsg(Identity, HydraIdentities.Router, HydraMethods.Heartbeat).ToJson();
        _createTransport = transport is null
            ? () => HydraTransports.ForPeer(_options.Transport, _options.ForTransport(), Identity, _curveKeys)
            : () => transport(Identity, _curveKeys);
        if (_curveKeys is null)
        {
            _authenticated.SetResult(); // nothing to prove
        }
    }

    /// <summary>This peer's routing identity, used as <c>sender</c>.</summary>
    public string Identity { get; }

    /// <summary>The options this peer runs with.</summary>
    public HydraMQOptions Options => _options;

    /// <summary>True once <see cref="StartAsync"/> ran (and until stopped).</summary>
    public bool IsStarted => _state == PeerState.Running;

    /// <summary>Which transport carries the messages ("NetMQ", …), once started.</summary>
    public string? TransportName => _transport?.Name;

    /// <summary>
    /// Raised (on a pool thread) when a reply arrives for a request that already gave up (timed out or
    /// cancelled): by its <c>reply_to</c>, or, with <see cref="HydraMQOptions.MatchUncorrelatedReplies"/>, a reply
    /// without one from a target that such a request is still owed by, when no request to it is waiting.
    /// Such a reply answers nothing and does not reach the inbox.
    /// </summary>
    public event EventHandler<LateReplyEventArgs>? LateReply;

    /// <summary>Messages received that were not replies and had no handler, as they arrive.</summary>
    public IAsyncEnumerable<HydraMsg> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _inbox.Reader.ReadAllAsync(cancellationToken);

    /// <summary>
    /// Connects both sockets and starts heartbeats (and handlers, if any). Completes once the sockets
    /// are set up, not when the router answers (ZeroMQ connects in the background, and a router may
    /// come later): <see cref="WaitUntilConnectedAsync"/> waits for that. Calling it again does nothing.
    /// </summary>
    /// <exception cref="HydraException"><see cref="HydraErrorCode.Network"/> when the router's address cannot be used (e.g. an unknown host).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Start();
        return Task.CompletedTask;
    }

    private void Start()
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_state == PeerState.Quit, this);
            if (_state == PeerState.Running)
            {
                return;
            }
            var transport = _createTransport();
            _outbox = transport.Loop.CreateInbound<Outgoing>(SendOutgoing);
            transport.Start(new Rules(this)); // throws on an unusable address; the peer stays New
            _transport = transport;
            _state = PeerState.Running;
            _metrics = new PeerMetrics(Identity, _counters, () => IsConnected);
            _heartbeatTimer = _options.TimeProvider.CreateTimer(_ => OnHeartbeatTimer(), null, _options.HeartbeatInterval, _options.HeartbeatInterval);
            // The first heartbeat now, not one interval from now. With keys, the router answers it
            // "unauthorized" until the proof below is done; that answer also restarts the proof after a reconnection.
            _outbox.Enqueue(Outgoing.Heartbeat);
            BeginAuthentication();
            if (_options.Methods is { Count: > 0 })
            {
                _dispatching = Task.Run(DispatchLoopAsync);
            }
        }
        _log.LogConnecting(Identity, _options.RouterAddress, _options.RouterPort, _options.RouterHeartbeatPort, _transport.Name);
    }

    /// <summary>Sends one message. Completes when the transport has taken it (with keys in play, once the peer has proven its key).</summary>
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

    private Task SendCoreAsync(HydraMsg message, CancellationToken cancellationToken) => SendCoreAsync(message, joinsLine: null, cancellationToken);

    private Task SendCoreAsync(HydraMsg message, PendingRequest? joinsLine, CancellationToken cancellationToken)
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
        _outbox!.Enqueue(new Outgoing(frame, sent, joinsLine));
        return sent.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Receives the next message that is not a reply to a request and has no handler.</summary>
    /// <exception cref="HydraTimeoutException">Nothing came within <see cref="HydraMQOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task<HydraMsg> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_state == PeerState.Quit, this);
        var wait = _options.NetworkTimeout;
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
            throw new HydraTimeoutException($"no message within {wait.TotalSeconds:0.###} s{SilenceSuffix()}");
        }
        catch (Exception e) when (e is ChannelClosedException || (e is OperationCanceledException && _stopping.IsCancellationRequested))
        {
            throw new HydraException(HydraErrorCode.Closed, "the peer has quit");
        }
    }

    /// <summary>A message from this peer (its identity as sender).</summary>
    public HydraMsg CreateMessage(string target, string method, System.Text.Json.Nodes.JsonObject? payload = null) =>
        new(Identity, target, method, payload);

    /// <summary>
    /// Stops heartbeats and handlers and closes both sockets, within a bounded time (handlers get
    /// 2 s to finish). Safe to call more than once. The stop is never left half done: cancelling
    /// <paramref name="cancellationToken"/> only stops waiting for it.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            _state = PeerState.Quit;
            _stopped ??= StopCoreAsync();
            return _stopped.WaitAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _metrics?.Dispose();
        if (_heartbeatTimer is not null)
        {
            await _heartbeatTimer.DisposeAsync().ConfigureAwait(false);
        }
        _requests.Writer.TryComplete();
        await _dispatching.WaitAsync(QuitBudget).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        if (_transport is not null)
        {
            await _transport.StopAsync().ConfigureAwait(false);
        }
        FailPending(new HydraException(HydraErrorCode.Closed, "the peer has quit"));
        _authenticated.TrySetException(new HydraException(HydraErrorCode.Closed, "the peer has quit"));
        _inbox.Writer.TryComplete();
        // _stopping is left undisposed on purpose: a call racing with quit may still read its token.
        _log.LogQuit(Identity);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(StopAsync());

    private static void CheckIdentity(string identity)
    {
        if (string.IsNullOrEmpty(identity))
        {
            throw new ArgumentException("the identity must not be empty", nameof(identity));
        }
        if (HydraIdentities.IsReserved(identity))
        {
            throw new ArgumentException($"'{identity}' is the router's own name; a peer cannot take it", nameof(identity));
        }
        if (System.Text.Encoding.UTF8.GetByteCount(identity) > 255)
        {
            throw new ArgumentException("the identity must be at most 255 bytes of UTF-8 (ZeroMQ's limit; routers accept 128 by default)", nameof(identity));
        }
    }

    private void EnsureRunning()
    {
        switch (_state)
        {
            case PeerState.Quit:
                throw new ObjectDisposedException(nameof(HydraMQ));
            case PeerState.New:
                throw new InvalidOperationException("call StartAsync() before sending");
        }
    }

    /// <summary>The face the transport sees; keeps the callbacks off the public type.</summary>
    private sealed class Rules(HydraMQ peer) : IPeerRules
    {
        public void OnFrame(PortKind port, ReadOnlySpan<byte> body) => peer.OnFrame(port, body);

        public void OnLinkChanged(PortKind port, LinkEvent change) => peer.OnLinkChanged(port, change);
    }
}
