using System.Threading.Channels;
using Hydra.Protocol;
using Hydra.Routing.Internal;
using Hydra.Security;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Routing;

/// <summary>
/// The headless router: two ROUTER sockets (messages and heartbeats) on one poller thread.
/// It answers pings and heartbeats, forwards by target, refuses bad input with an
/// <c>error</c> reply, and keeps the client table. The terminal app sits on top of it.
/// </summary>
public sealed partial class RouterEngine : IAsyncDisposable
{
    private readonly RouterOptions _options;
    private readonly ILogger _log;
    private readonly RouterCounters _counters = new();
    private readonly ClientTable _clients;
    private readonly ReplyWriter _replies = new();
    private readonly TargetIdentities _targets = new(capacity: 4096);
    private readonly Channel<RoutedMessage>? _trace;
    private readonly ErrorLogLimiter _errorLog;
    private readonly Authenticator? _auth;
    private RouterSocket? _main;
    private RouterSocket? _heartbeat;
    private NetMQQueue<Action>? _commands;
    private NetMQTimer? _housekeeping;
    private NetMQPoller? _poller;
    private int _state; // 0 new, 1 running, 2 stopped

    /// <summary>Creates a router; nothing is bound until <see cref="Start"/>.</summary>
    public RouterEngine(RouterOptions? options = null)
    {
        _options = options ?? RouterOptions.Default;
        _log = _options.LoggerFactory.CreateLogger("Hydra.Router");
        _clients = new ClientTable(_options.TimeProvider, _options.HeartbeatInterval, _options.PruneAfter, _options.MaxClients);
        _errorLog = new ErrorLogLimiter(_log);
        if (_options.CurveSecretKey is not null)
        {
            CurveKeyPair.CheckKey(_options.CurveSecretKey, "router's secret key");
        }
        if (_options.AuthorizedKeys is not null)
        {
            _auth = new Authenticator(
                _options.CurveSecretKey ?? throw new ArgumentException("AuthorizedKeys needs CurveSecretKey: keys are proven over the encrypted channel", nameof(options)),
                _options.AuthorizedKeys);
        }
        if (_options.TraceCapacity > 0)
        {
            _trace = Channel.CreateBounded<RoutedMessage>(new BoundedChannelOptions(_options.TraceCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails when full: we skip and count, never block routing
                SingleWriter = true,
            });
        }
    }

    /// <summary>The options this router runs with.</summary>
    public RouterOptions Options => _options;

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

    /// <summary>Binds both ports and starts routing on a thread of its own.</summary>
    /// <exception cref="HydraException">A port could not be bound (code <see cref="HydraErrorCode.Network"/>).</exception>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a RouterEngine starts once");
        }
        if (_options.PoolBuffers)
        {
            NetMQPools.Install();
        }
        try
        {
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            Port = Bind(_main, _options.Port);
            HeartbeatPort = Bind(_heartbeat, _options.HeartbeatPort);
        }
        catch
        {
            _main?.Dispose();
            _heartbeat?.Dispose();
            Volatile.Write(ref _state, 2);
            throw;
        }
        _commands = new NetMQQueue<Action>();
        _commands.ReceiveReady += (_, _) => RunCommands();
        _housekeeping = new NetMQTimer(TimeSpan.FromSeconds(1));
        _housekeeping.Elapsed += (_, _) => Housekeeping();
        // Delegates made once: a method group passed on each event would allocate one every time.
        FrameHandler handleMain = HandleMain, handleHeartbeat = HandleHeartbeat;
        _main.ReceiveReady += (_, _) => Drain(_main, handleMain);
        _heartbeat.ReceiveReady += (_, _) => Drain(_heartbeat, handleHeartbeat);
        _poller = [_main, _heartbeat, _commands, _housekeeping];
        _poller.RunAsync("HydraRouter", isBackgroundThread: true);
        _log.LogInformation("Router listening on tcp://{Address}:{Port} (heartbeats on {HeartbeatPort}){Security}", _options.Address, Port, HeartbeatPort,
            _auth is not null ? ", encrypted, authorized keys only" : _options.CurveSecretKey is not null ? ", encrypted" : "");
        if (_options.CurveSecretKey is null && _options.Address is "*" or "0.0.0.0" or "::")
        {
            _log.LogWarning("Listening on all interfaces without encryption: anyone who reaches port {Port} can send and read messages. "
                + "Use --address 127.0.0.1, or a CURVE key (hydra keygen)", Port);
        }
    }

    /// <summary>The client table as of now, sorted by identity.</summary>
    public Task<IReadOnlyList<ClientInfo>> GetClientsAsync(CancellationToken cancellationToken = default) =>
        OnPollerAsync<IReadOnlyList<ClientInfo>>(() => _clients.Snapshot(), cancellationToken);

    /// <summary>
    /// Bytes allocated so far on the poller thread, the thread that routes every message.
    /// Benchmarks and tests read it before and after a burst to show allocations per message.
    /// </summary>
    internal Task<long> GetPollerAllocatedBytesAsync(CancellationToken cancellationToken = default) =>
        OnPollerAsync(GC.GetAllocatedBytesForCurrentThread, cancellationToken);

    /// <summary>Stops routing and closes both sockets. Safe to call more than once.</summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        // Stop() waits for the poller thread to finish; keep it off the caller's thread.
        await Task.Run(() => _poller!.Stop()).ConfigureAwait(false);
        _poller!.Dispose();
        _main!.Dispose();
        _heartbeat!.Dispose();
        _commands!.Dispose();
        _replies.Dispose();
        _trace?.Writer.TryComplete();
        await PortRelease.WaitAsync(_options.Address, Port, HeartbeatPort).ConfigureAwait(false);
        _log.LogInformation("Router stopped");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => StopAsync();

    private RouterSocket CreateSocket()
    {
        var socket = new RouterSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.RouterMandatory = true; // unknown target raises instead of vanishing
        // A restarted peer takes its name back; but with keys checked, a second connection must
        // not take over a proven name, so the first connection keeps it until it closes.
        socket.Options.RouterHandover = _auth is null;
        if (_options.CurveSecretKey is not null)
        {
            socket.Options.CurveServer = true;
            socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(_options.CurveSecretKey);
        }
        socket.Options.SendHighWatermark = _options.HighWatermark;
        socket.Options.ReceiveHighWatermark = _options.HighWatermark;
        socket.Options.MaxMsgSize = _options.MaxMessageSize;
        socket.Options.DisconnectMessage = DisconnectMarker.ToArray();
        return socket;
    }

    private int Bind(RouterSocket socket, int port)
    {
        var endpoint = $"tcp://{_options.Address}:{(port == 0 ? "*" : port)}";
        try
        {
            if (port == 0)
            {
                return socket.BindRandomPort($"tcp://{_options.Address}");
            }
            socket.Bind(endpoint);
            return port;
        }
        catch (Exception e) when (e is NetMQException or System.Net.Sockets.SocketException or ArgumentException)
        {
            throw new HydraException(HydraErrorCode.Network, $"cannot bind {endpoint}: {e.Message}", e);
        }
    }

    private Task<T> OnPollerAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            throw new HydraException(HydraErrorCode.Closed, "the router is not running");
        }
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _commands!.Enqueue(() =>
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

    private void RunCommands()
    {
        while (_commands!.TryDequeue(out var command, TimeSpan.Zero))
        {
            command();
        }
    }

    private void Housekeeping()
    {
        foreach (var name in _clients.Prune())
        {
            _log.LogInformation("Client {Identity} pruned: not seen for {Seconds:0} s", name, _options.PruneAfter.TotalSeconds);
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
}
