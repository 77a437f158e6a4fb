using System.Threading.Channels;
using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Routing.Internal;
using Hydra.Security;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

/// <summary>
/// The headless router: the routing rules on top of a transport that listens on two ports
/// (messages and heartbeats). It answers pings and heartbeats, forwards by target, refuses bad
/// input with an <c>error</c> reply, and keeps the client table. The terminal app sits on top of it.
/// </summary>
public sealed partial class RouterEngine : IAsyncDisposable
{
    private static readonly TimeSpan HousekeepingEvery = TimeSpan.FromSeconds(1);

    private readonly RouterOptions _options;
    private readonly ILogger _log;
    private readonly IRouterTransport _transport;
    private readonly RouterCounters _counters = new();
    private readonly ClientTable _clients;
    private readonly ClientRows _rows;
    private readonly Protocol.ReplyWriter _replies = new();
    private readonly Channel<RoutedMessage>? _trace;
    private readonly ErrorLogLimiter _errorLog;
    private readonly Authenticator? _auth;
    private readonly bool _keysInHandshake;
    private readonly IRouterFederation? _federation;
    private readonly string _transportWhy;
    private readonly Action _housekeeping;
    private ITimer? _housekeepingTimer;
    private int _state; // 0 new, 1 running, 2 stopped

    /// <summary>Creates a router; nothing is bound until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentException">The options do not fit together; the message says which.</exception>
    public RouterEngine(RouterOptions? options = null)
        : this(options ?? RouterOptions.Default, transport: null)
    {
    }

    /// <summary>A router on a given transport (tests use the in-memory one).</summary>
    internal RouterEngine(RouterOptions options, IRouterTransport? transport, IRouterFederation? federation = null)
    {
        options.Validate();
        _options = options;
        _log = _options.LoggerFactory.CreateLogger("Hydra.Router");
        _transportWhy = "given";
        _transport = transport ?? HydraTransports.ForRouter(options.Transport, options.ForTransport(), _log, out _transportWhy);
        _clients = new ClientTable(_options.TimeProvider, _options.PruneAfter, _options.MaxClients);
        _rows = new ClientRows(_options.TimeProvider, _options.HeartbeatInterval);
        _errorLog = new ErrorLogLimiter(_log);
        if (_options.AuthorizedKeys is not null)
        {
            _auth = new Authenticator(_options.CurveSecretKey!, _options.AuthorizedKeys);
            _keysInHandshake = _transport.Capabilities.HasFlag(TransportCapabilities.HandshakeAuthentication);
        }
        if (_options.TraceCapacity > 0)
        {
            _trace = Channel.CreateBounded<RoutedMessage>(new BoundedChannelOptions(_options.TraceCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails when full: we skip and count, never block routing
                SingleWriter = true,
            });
        }
        _federation = federation ?? (options.Cluster is { } cluster ? cluster.Federation(cluster, options.TimeProvider, options.LoggerFactory) : null);
        _housekeeping = Housekeeping; // made once: the timer posts it every second
    }

    /// <summary>The options this router runs with.</summary>
    public RouterOptions Options => _options;

    /// <summary>Which transport carries the messages ("NetMQ", "libzmq 4.3.4", …).</summary>
    public string TransportName => _transport.Name;

    /// <summary>The bound main port (useful when <see cref="RouterOptions.Port"/> was 0).</summary>
    public int Port { get; private set; }

    /// <summary>The bound heartbeat port.</summary>
    public int HeartbeatPort { get; private set; }

    /// <summary>True between <see cref="Start"/> and stop.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>Counters since start.</summary>
    public RouterStats Stats => _counters.Snapshot();

    /// <summary>
    /// Routed messages as they happen, when <see cref="RouterOptions.TraceCapacity"/> is above 0.
    /// If the reader falls behind, records are skipped (counted in <see cref="TraceSkipped"/>); routing is never slowed.
    /// </summary>
    public ChannelReader<RoutedMessage>? Trace => _trace?.Reader;

    /// <summary>Trace records skipped because the watcher was behind.</summary>
    public long TraceSkipped => Volatile.Read(ref _traceSkipped);
    private long _traceSkipped;

    /// <summary>Binds both ports and starts routing on a thread of its own; completes once both ports listen.</summary>
    /// <exception cref="HydraException">A port could not be bound (code <see cref="HydraErrorCode.Network"/>; the message says why).</exception>
    /// <exception cref="InvalidOperationException">The router was started before: a router starts once.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Start();
        return Task.CompletedTask;
    }

    private void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a RouterEngine starts once");
        }
        try
        {
            _federation?.Start(new FederationRules(this), _transport.Loop); // its queue must exist before the loop runs
            (Port, HeartbeatPort) = _transport.Start(new Rules(this));
        }
        catch
        {
            Volatile.Write(ref _state, 2);
            if (_federation is not null)
            {
                _federation.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            throw;
        }
        StartMetrics();
        _housekeepingTimer = _options.TimeProvider.CreateTimer(_ => _transport.Loop.Post(_housekeeping), null, HousekeepingEvery, HousekeepingEvery);
        if (_auth is not null && !_keysInHandshake)
        {
            // Before the listening line, which readers (and tests) take as the end of the start-up lines.
            _log.LogKeysCheckedAfterHandshake(_transport.Name);
        }
        _log.LogListening(_options.Address, Port, HeartbeatPort,
            _auth is not null ? ", encrypted, authorized keys only" : _options.CurveSecretKey is not null ? ", encrypted" : "", _transport.Name, _transportWhy);
        if (_options.CurveSecretKey is null && _options.Address is "*" or "0.0.0.0" or "::")
        {
            _log.LogOpenToAll(Port);
        }
    }

    /// <summary>
    /// Bytes allocated so far on the routing thread, the thread that routes every message.
    /// Benchmarks and tests read it before and after a burst to show allocations per message.
    /// </summary>
    internal Task<long> GetLoopAllocatedBytesAsync(CancellationToken cancellationToken = default) =>
        OnLoopAsync(GC.GetAllocatedBytesForCurrentThread, cancellationToken);

    /// <summary>
    /// Stops routing and closes both ports; completes once they can be bound again. Safe to call more
    /// than once. The stop takes a bounded time and is never left half done: cancelling
    /// <paramref name="cancellationToken"/> only stops waiting for it.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopOnceAsync().WaitAsync(cancellationToken);

    private readonly Lock _stopOnce = new();
    private Task? _stopping;

    private Task StopOnceAsync()
    {
        lock (_stopOnce)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        StopMetrics();
        if (_housekeepingTimer is not null)
        {
            await _housekeepingTimer.DisposeAsync().ConfigureAwait(false);
        }
        if (_federation is not null)
        {
            await _federation.DisposeAsync().ConfigureAwait(false); // first: the others stop sending here
        }
        await _transport.StopAsync().ConfigureAwait(false);
        _replies.Dispose();
        _trace?.Writer.TryComplete();
        _log.LogStopped();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopOnceAsync().ConfigureAwait(false);

    private Task<T> OnLoopAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            throw new HydraException(HydraErrorCode.Closed, "the router is not running");
        }
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _transport.Loop.Post(() =>
        {
            try
            {
                done.TrySetResult(work());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task.WaitAsync(cancellationToken);
    }

    private void Housekeeping()
    {
        foreach (var name in _clients.Prune())
        {
            _log.LogPruned(name, _options.PruneAfter.TotalSeconds);
        }
        _counters.Clients = _clients.Count;
        _errorLog.Refill();
    }

    private void Record(RoutedMessage? message)
    {
        if (message is not null && !_trace!.Writer.TryWrite(message))
        {
            Interlocked.Increment(ref _traceSkipped);
        }
    }

    /// <summary>The face the transport sees; keeps the callbacks off the public type.</summary>
    private sealed class Rules(RouterEngine router) : IRouterRules
    {
        public void OnFrame(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame) => router.OnFrame(port, identity, frame);

        public void OnPeerGone(PortKind port, ReadOnlySpan<byte> identity) => router.OnPeerGone(port, identity);

        public bool MayQueueForwards => router._trace is null;

        public void OnForwardFailed(PortKind port, ReadOnlySpan<byte> identity, in ReceivedFrame frame, SendResult result, object? token) =>
            router.OnForwardFailed(port, identity, frame, result, token);
    }
}
