using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The router's two ROUTER sockets on the system's libzmq, served by one thread. A message is
/// received into a <c>zmq_msg_t</c>, lent to the rules as a span over libzmq's own buffer and,
/// when forwarded, handed back to libzmq as the same <c>zmq_msg_t</c>: routing copies nothing
/// but the identity frame, and allocates nothing managed. With authorized keys, a ZAP handler
/// checks each peer's key in the CURVE handshake (<see cref="HandshakeKeyCheck"/>).
/// </summary>
internal sealed partial class LibZmqRouterTransport : IRouterTransport
{
    private const int MaxBatch = 256; // then give the other sockets a turn
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(2);

    private readonly RouterTransportOptions _options;
    private readonly ILogger _log;
    private readonly LibZmqLoop _loop;
    private readonly HandshakeKeyCheck? _keyCheck;
    private IRouterRules? _rules;
    private ZmqContext? _context;
    private ZapHandler? _zap;
    private ZmqSocket? _main;
    private ZmqSocket? _heartbeat;
    private ZmqMonitor? _mainMonitor;
    private ZmqMonitor? _heartbeatMonitor;
    private int _state; // 0 new, 1 running, 2 stopped

    /// <summary>Needs a loaded libzmq (<see cref="LibZmqRuntime.IsUsable"/>).</summary>
    public LibZmqRouterTransport(RouterTransportOptions options, ILogger log)
    {
        _options = options;
        _log = log;
        _loop = new LibZmqLoop("HydraRouter", log);
        _keyCheck = options.AuthorizedKeys is { } keys ? new HandshakeKeyCheck(keys, log) : null;
        _gone = (port, identity) => _rules!.OnPeerGone(port, identity);
    }

    public string Name => LibZmqRuntime.Name;

    public TransportCapabilities Capabilities =>
        TransportCapabilities.PeerGone | (_keyCheck is null ? TransportCapabilities.None : TransportCapabilities.HandshakeAuthentication);

    public ITransportLoop Loop => _loop;

    /// <summary>Handshakes the ZAP handler refused (keys not on the list).</summary>
    public long RefusedHandshakes => _keyCheck?.Refused ?? 0;

    public (int Port, int HeartbeatPort) Start(IRouterRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _rules = rules;
        _mayQueue = rules.MayQueueForwards;
        // Nothing native exists before this: a router made and never started holds no thread.
        // One I/O thread carries ~1M msg/s; a context of its own, so stopping frees the ports.
        _context = ZmqContext.Create(ioThreads: 1);
        _frames = new ZmqMsgBlock(2 * Burst);
        int port, heartbeatPort;
        try
        {
            // Before any socket listens: from the first handshake on, every CURVE client is asked about.
            _zap = _keyCheck is null ? null : new ZapHandler(_context, _keyCheck.Decide);
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            // Before binding, so no connection is missed.
            // Listening and AcceptFailed for the open-file limit (OpenFileGate).
            const ZmqMonitorEvents events = ZmqMonitorEvents.Listening | ZmqMonitorEvents.Accepted | ZmqMonitorEvents.AcceptFailed | ZmqMonitorEvents.Disconnected;
            _mainMonitor = new ZmqMonitor(_context, _main, events);
            _heartbeatMonitor = new ZmqMonitor(_context, _heartbeat, events);
            port = Bind(_main, _options.Port);
            heartbeatPort = Bind(_heartbeat, _options.HeartbeatPort);
        }
        catch
        {
            Volatile.Write(ref _state, 2);
            CloseSockets();
            _zap?.Dispose();
            _context.Dispose();
            throw;
        }
        // Monitors first: each turn of the loop reads connection news before the messages.
        _loop.Add(_mainMonitor.Socket, () => ReadConnectionEvents(_mainMonitor));
        _loop.Add(_heartbeatMonitor.Socket, () => ReadConnectionEvents(_heartbeatMonitor));
        _loop.Add(_main, () => Drain(_main, PortKind.Main));
        _loop.Add(_heartbeat, () => Drain(_heartbeat, PortKind.Heartbeat));
        try
        {
            _loop.Start(_context, onExit: CloseSockets);
        }
        catch
        {
            Volatile.Write(ref _state, 2);
            CloseSockets();
            _zap?.Dispose();
            _context.Dispose();
            throw;
        }
        return (port, heartbeatPort);
    }

    /// <summary>
    /// Closes the sockets on the loop thread, then terminates the context, which returns once
    /// libzmq has closed the listeners: the ports can be bound again. libzmq 4.3.4 sends peers
    /// nothing when a socket closes (no disconnect message), so they see only the TCP close.
    /// </summary>
    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        if (!await _loop.StopAsync(StopBudget).ConfigureAwait(false))
        {
            _log.LogThreadNotStopped(StopBudget.TotalSeconds);
            return;
        }
        _zap?.Dispose();
        // zmq_ctx_term blocks until libzmq's I/O thread has closed the listeners.
        if (!await Task.Run(_context!.Dispose).WaitAsync(StopBudget).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default).ConfigureAwait(false))
        {
            _log.LogPortsNotReleased(StopBudget.TotalSeconds);
        }
    }

    public ValueTask DisposeAsync() => StopAsync();

    private ZmqSocket CreateSocket()
    {
        var socket = ZmqSocket.Create(_context!, ZmqSocketType.Router);
        try
        {
            socket.SetOption(ZmqSocketOption.Linger, 0);
            socket.SetOption(ZmqSocketOption.RouterMandatory, true); // an unknown target fails (EHOSTUNREACH) instead of vanishing
            // A restarted peer takes its name back; but with keys checked, a second connection must
            // not take over a proven name, so the first connection keeps it until it closes.
            socket.SetOption(ZmqSocketOption.RouterHandover, _options.AuthorizedKeys is null);
            socket.SetOption(ZmqSocketOption.SendHighWaterMark, _options.HighWatermark);
            socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, _options.HighWatermark);
            socket.SetOption(ZmqSocketOption.Backlog, _gate.Backlog); // what still arrives once the gate closes
            socket.SetOption(ZmqSocketOption.MaxMessageSize, _options.MaxFrameRead); // larger frames drop the connection; smaller ones over the limit are answered
            if (_options.CurveSecretKey is { } secretKey)
            {
                socket.SetOption(ZmqSocketOption.CurveServer, true);
                socket.SetOption(ZmqSocketOption.CurveSecretKey, secretKey);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private int Bind(ZmqSocket socket, int port)
    {
        try
        {
            if (port == 0)
            {
                return socket.BindRandomPort(_options.Address);
            }
            socket.Bind($"tcp://{_options.Address}:{port}");
            return port;
        }
        catch (ZmqException e)
        {
            throw new HydraException(HydraErrorCode.Network,
                $"cannot listen on {_options.Address}:{(port == 0 ? "(any free port)" : port)}: {LibZmqBindError.Describe(e, _options.Address, port)}", e);
        }
    }

    /// <summary>Loop thread as it exits (or the starting thread when start fails): monitors first (libzmq #3575), then the sockets.</summary>
    private void CloseSockets()
    {
        _mainMonitor?.Dispose();
        _heartbeatMonitor?.Dispose();
        _main?.Dispose();
        _heartbeat?.Dispose();
        _frames?.Dispose();
    }
}
