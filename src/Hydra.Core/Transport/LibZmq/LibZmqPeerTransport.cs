using System.Net;
using System.Net.Sockets;
using System.Text;
using Hydra.Security;
using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// A peer's two DEALER sockets on the system's libzmq (same identity), served by one thread.
/// Link events come from a socket monitor per connection; unlike NetMQ, libzmq also tells a
/// CURVE client that the router's authentication refused its key (<see cref="LinkEvent.Refused"/>).
/// </summary>
internal sealed partial class LibZmqPeerTransport : IPeerTransport
{
    private const int MaxBatch = 256;
    private const ZmqMonitorEvents Watched = ZmqMonitorEvents.Connected | ZmqMonitorEvents.Disconnected
        | ZmqMonitorEvents.ConnectRetried | ZmqMonitorEvents.HandshakeFailedAuth | ZmqMonitorEvents.HandshakeSucceeded;
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(2);

    private readonly PeerTransportOptions _options;
    private readonly string _identity;
    private readonly CurveKeyPair? _curveKeys;
    private readonly LibZmqLoop _loop;
    private ZmqContext? _context;
    private ZmqMsgBlock? _frame;
    private IPeerRules? _rules;
    private ZmqSocket? _main;
    private ZmqSocket? _heartbeat;
    private ZmqMonitor? _mainMonitor;
    private ZmqMonitor? _heartbeatMonitor;
    private int _state; // 0 new, 1 running, 2 stopped

    /// <summary>Needs a loaded libzmq (<see cref="LibZmqRuntime.IsUsable"/>).</summary>
    public LibZmqPeerTransport(PeerTransportOptions options, string identity, CurveKeyPair? curveKeys)
    {
        _options = options;
        _identity = identity;
        _curveKeys = curveKeys;
        _loop = new LibZmqLoop($"HydraMQ {identity}", options.LoggerFactory.CreateLogger("Hydra.MQ"));
    }

    public string Name => LibZmqRuntime.Name;

    public ITransportLoop Loop => _loop;

    public void Start(IPeerRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _rules = rules;
        var endpoint = Endpoint(PortKind.Main);
        try
        {
            _context = LibZmqRuntime.PeerContext();
            _frame = new ZmqMsgBlock(1);
            // libzmq resolves a host name later, in the background, and retries for ever: an unknown
            // host is better said now, as NetMQ does.
            CheckHost(_options.RouterAddress);
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            _mainMonitor = new ZmqMonitor(_context, _main, Watched);
            _heartbeatMonitor = new ZmqMonitor(_context, _heartbeat, Watched);
            _main.Connect(endpoint);
            endpoint = Endpoint(PortKind.Heartbeat);
            _heartbeat.Connect(endpoint);
            RegisterAndStart();
        }
        catch (Exception e) when (e is ZmqException or SocketException)
        {
            Volatile.Write(ref _state, 2);
            CloseSockets();
            var why = e is SocketException ? $"'{_options.RouterAddress}' is not a known host name or address" : ZmqException.Describe(((ZmqException)e).Errno);
            throw new HydraException(HydraErrorCode.Network, $"cannot connect to {endpoint}: {why}", e);
        }
    }

    private void RegisterAndStart()
    {
        var (mainMonitor, heartbeatMonitor, main, heartbeat) = (_mainMonitor!, _heartbeatMonitor!, _main!, _heartbeat!);
        _loop.Add(mainMonitor.Socket, () => ReadLinkEvents(mainMonitor, PortKind.Main));
        _loop.Add(heartbeatMonitor.Socket, () => ReadLinkEvents(heartbeatMonitor, PortKind.Heartbeat));
        _loop.Add(main, () => Drain(main, PortKind.Main));
        _loop.Add(heartbeat, () => Drain(heartbeat, PortKind.Heartbeat));
        _loop.Start(_context!, onExit: CloseSockets);
    }

    /// <summary>
    /// Loop thread: one frame, copied. <see cref="SendResult.QueueFull"/> only when the queue really
    /// is full (<see cref="LibZmqSend"/>); <see cref="SendResult.UnknownPeer"/> while a refused
    /// handshake has left the socket without a connection to queue into (see <see cref="Redial"/>).
    /// </summary>
    public SendResult Send(PortKind port, ReadOnlySpan<byte> frame)
    {
        var result = LibZmqSend.ToResult(LibZmqSend.First(port == PortKind.Main ? _main! : _heartbeat!, frame, ZmqFlags.None));
        return result == SendResult.QueueFull && _links[(int)port].Dead ? SendResult.UnknownPeer : result;
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        // A stuck loop thread keeps its sockets: they are its own, so leave them rather than race it.
        await _loop.StopAsync(StopBudget).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync();

    private static void CheckHost(string host)
    {
        if (host != "*" && !IPAddress.TryParse(host, out _))
        {
            _ = Dns.GetHostAddresses(host); // SocketException when it does not resolve
        }
    }

    private ZmqSocket CreateSocket()
    {
        var socket = ZmqSocket.Create(_context!, ZmqSocketType.Dealer);
        try
        {
            socket.SetOption(ZmqSocketOption.RoutingId, Encoding.UTF8.GetBytes(_identity));
            socket.SetOption(ZmqSocketOption.Linger, 0);
            socket.SetOption(ZmqSocketOption.SendHighWaterMark, _options.HighWatermark);
            socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, _options.HighWatermark);
            socket.SetOption(ZmqSocketOption.MaxMessageSize, _options.MaxMessageSize);
            if (_curveKeys is not null)
            {
                socket.SetOption(ZmqSocketOption.CurveServerKey, _options.CurveServerKey!);
                socket.SetOption(ZmqSocketOption.CurvePublicKey, _curveKeys.PublicKey);
                socket.SetOption(ZmqSocketOption.CurveSecretKey, _curveKeys.SecretKey);
            }
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private DrainResult Drain(ZmqSocket socket, PortKind port)
    {
        var frame = _frame![0];
        for (var i = 0; i < MaxBatch; i++)
        {
            if (socket.Receive(frame, ZmqFlags.DontWait) is var error and not ZmqError.None)
            {
                return error == ZmqError.Terminated ? DrainResult.Closed : DrainResult.Drained;
            }
            // A router sends one frame; should more come (an old router's delimiter), the JSON is the last.
            if (!frame.More)
            {
                _rules!.OnFrame(port, frame.Bytes);
            }
        }
        return DrainResult.More;
    }

    private DrainResult ReadLinkEvents(ZmqMonitor monitor, PortKind port)
    {
        while (monitor.TryRead(out var news))
        {
            LinkEvent? change = news.Event switch
            {
                ZmqMonitorEvents.Connected => LinkEvent.Connected,
                ZmqMonitorEvents.Disconnected => LinkEvent.Disconnected,
                ZmqMonitorEvents.ConnectRetried => LinkEvent.Retrying,
                ZmqMonitorEvents.HandshakeFailedAuth when news.Value == 400 => LinkEvent.Refused,
                _ => null,
            };
            Track(port, news.Event);
            if (change is { } known)
            {
                _rules!.OnLinkChanged(port, known);
            }
        }
        return DrainResult.Drained;
    }

    /// <summary>Loop thread as it exits (or the starting thread when start fails): monitors first (libzmq #3575).</summary>
    private void CloseSockets()
    {
        _mainMonitor?.Dispose();
        _heartbeatMonitor?.Dispose();
        _main?.Dispose();
        _heartbeat?.Dispose();
        _frame?.Dispose();
    }
}
