using Hydra.Security;
using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;

namespace Hydra.Transport.NetMQ;

/// <summary>A peer's two DEALER sockets on NetMQ (same identity), served by one poller thread.</summary>
internal sealed class NetMQPeerTransport(PeerTransportOptions options, string identity, CurveKeyPair? curveKeys) : IPeerTransport
{
    private const int MaxBatch = 256;
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(2);
    private static int _monitors;

    private readonly NetMQLoop _loop = new($"HydraMQ {identity}");
    private IPeerRules? _rules;
    private DealerSocket? _main;
    private DealerSocket? _heartbeat;
    private int _state; // 0 new, 1 running, 2 stopped

    public string Name => "NetMQ";

    public ITransportLoop Loop => _loop;

    public void Start(IPeerRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _rules = rules;
        var endpoint = "";
        try
        {
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            endpoint = $"tcp://{options.RouterAddress}:{options.RouterPort}";
            _main.Connect(endpoint);
            endpoint = $"tcp://{options.RouterAddress}:{options.RouterHeartbeatPort}";
            _heartbeat.Connect(endpoint);
        }
        catch (Exception e) when (NetMQBindError.IsBindError(e))
        {
            // e.g. a host name that does not resolve: one clear error, nothing left open.
            Volatile.Write(ref _state, 2);
            _main?.Dispose();
            _heartbeat?.Dispose();
            throw new HydraException(HydraErrorCode.Network, $"cannot connect to {endpoint}: {NetMQBindError.Describe(e, options.RouterAddress, options.RouterPort)}", e);
        }
        Attach(_main, PortKind.Main);
        Attach(_heartbeat, PortKind.Heartbeat);
        _loop.Start();
    }

    public SendResult Send(PortKind port, ReadOnlySpan<byte> frame)
    {
        var message = new Msg();
        message.InitPool(frame.Length);
        frame.CopyTo(message.Slice());
        try
        {
            return (port == PortKind.Main ? _main! : _heartbeat!).TrySend(ref message, TimeSpan.Zero, more: false)
                ? SendResult.Sent
                : SendResult.QueueFull;
        }
        finally
        {
            if (message.IsInitialised)
            {
                message.Close();
            }
        }
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        // A stuck poller thread keeps its sockets: they are its own, so leave them rather than race it.
        await _loop.StopAsync(StopBudget).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync();

    private DealerSocket CreateSocket()
    {
        var socket = new DealerSocket();
        socket.Options.Identity = System.Text.Encoding.UTF8.GetBytes(identity);
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.SendHighWatermark = options.HighWatermark;
        socket.Options.ReceiveHighWatermark = options.HighWatermark;
        socket.Options.MaxMsgSize = options.MaxMessageSize;
        if (curveKeys is not null)
        {
            socket.Options.CurveServerKey = CurveKeyPair.DecodePublic(options.CurveServerKey!);
            socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(curveKeys.SecretKey);
        }
        return socket;
    }

    private void Attach(DealerSocket socket, PortKind port)
    {
        socket.ReceiveReady += (_, _) => Drain(socket, port);
        _loop.Add(socket);
        var monitor = new NetMQMonitor(socket, $"inproc://hydra-peer-monitor-{Interlocked.Increment(ref _monitors)}",
            SocketEvents.Connected | SocketEvents.Disconnected | SocketEvents.ConnectRetried);
        monitor.Connected += (_, _) => _rules!.OnLinkChanged(port, LinkEvent.Connected);
        monitor.Disconnected += (_, _) => _rules!.OnLinkChanged(port, LinkEvent.Disconnected);
        monitor.ConnectRetried += (_, _) => _rules!.OnLinkChanged(port, LinkEvent.Retrying);
        _loop.Attach(monitor);
    }

    private void Drain(DealerSocket socket, PortKind port)
    {
        var frame = new Msg();
        frame.InitEmpty();
        try
        {
            // A router sends one frame; should more come (an old router's delimiter), the JSON is the last.
            // At most a batch at a time, so that queued sends get their turn under a flood.
            for (var taken = 0; taken < MaxBatch && socket.TryReceive(ref frame, TimeSpan.Zero); taken++)
            {
                if (!frame.HasMore)
                {
                    _rules!.OnFrame(port, frame.Slice());
                }
                frame.Close();
                frame.InitEmpty();
            }
        }
        finally
        {
            if (frame.IsInitialised)
            {
                frame.Close();
            }
        }
    }
}
