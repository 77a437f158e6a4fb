using Hydra.Protocol;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Transport.NetMQ;

/// <summary>
/// The router's two ROUTER sockets on NetMQ, served by one poller thread. A received body is
/// lent to the rules as it came and, when forwarded, sent on as the same <see cref="Msg"/>, so
/// routing copies nothing but the identity frame (into a pooled buffer).
/// </summary>
internal sealed partial class NetMQRouterTransport(RouterTransportOptions options, ILogger log) : IRouterTransport
{
    private const int MaxBatch = 256; // then give the other socket a turn
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What NetMQ hands us, as if the peer had sent it, when a peer's connection closes
    /// (the DisconnectMessage option). Not JSON, so no real message looks like it; a peer
    /// sending it on purpose only reports its own connection as closed. It must never reach
    /// a peer: see <see cref="StopAsync"/>.
    /// </summary>
    internal static ReadOnlySpan<byte> DisconnectMarker => "\0hydra:disconnected"u8;

    private readonly NetMQLoop _loop = new("HydraRouter");
    private readonly IdentityArrays _identities = new(capacity: 65_536);
    private IRouterRules? _rules;
    private RouterSocket? _main;
    private RouterSocket? _heartbeat;
    private string? _mainEndpoint;
    private string? _heartbeatEndpoint;
    private Msg _body; // the frame being handled: Forward sends this very Msg on
    private int _state; // 0 new, 1 running, 2 stopped

    public string Name => "NetMQ";

    public TransportCapabilities Capabilities => TransportCapabilities.PeerGone;

    public ITransportLoop Loop => _loop;

    public (int Port, int HeartbeatPort) Start(IRouterRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _rules = rules;
        if (options.PoolBuffers)
        {
            NetMQPools.Install();
        }
        int port, heartbeatPort;
        try
        {
            _main = CreateSocket();
            _heartbeat = CreateSocket();
            (port, _mainEndpoint) = Bind(_main, options.Port);
            (heartbeatPort, _heartbeatEndpoint) = Bind(_heartbeat, options.HeartbeatPort);
        }
        catch
        {
            Volatile.Write(ref _state, 2);
            _main?.Dispose();
            _heartbeat?.Dispose();
            throw;
        }
        _main.ReceiveReady += (_, _) => Drain(_main, PortKind.Main);
        _heartbeat.ReceiveReady += (_, _) => Drain(_heartbeat, PortKind.Heartbeat);
        _loop.Add(_main);
        _loop.Add(_heartbeat);
        _loop.Start();
        return (port, heartbeatPort);
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        await CloseConnectionsAsync().ConfigureAwait(false);
        if (!await _loop.StopAsync(StopBudget).ConfigureAwait(false))
        {
            log.LogThreadNotStopped(StopBudget.TotalSeconds);
            return;
        }
        await PortRelease.WaitAsync(options.Address, Port(_mainEndpoint), Port(_heartbeatEndpoint)).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync();

    private RouterSocket CreateSocket()
    {
        var socket = new RouterSocket();
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.RouterMandatory = true; // unknown target raises instead of vanishing
        // A restarted peer takes its name back; but with keys checked, a second connection must
        // not take over a proven name, so the first connection keeps it until it closes.
        socket.Options.RouterHandover = options.AuthorizedKeys is null;
        if (options.CurveSecretKey is not null)
        {
            socket.Options.CurveServer = true;
            socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(options.CurveSecretKey);
        }
        socket.Options.SendHighWatermark = options.HighWatermark;
        socket.Options.ReceiveHighWatermark = options.HighWatermark;
        socket.Options.MaxMsgSize = options.MaxFrameRead; // larger frames drop the connection; smaller ones over the limit are answered
        socket.Options.DisconnectMessage = DisconnectMarker.ToArray();
        return socket;
    }

    private (int Port, string Endpoint) Bind(RouterSocket socket, int port)
    {
        try
        {
            if (port == 0)
            {
                var bound = socket.BindRandomPort($"tcp://{options.Address}");
                return (bound, $"tcp://{options.Address}:{bound}");
            }
            socket.Bind($"tcp://{options.Address}:{port}");
            return (port, $"tcp://{options.Address}:{port}");
        }
        catch (Exception e) when (NetMQBindError.IsBindError(e))
        {
            throw new HydraException(HydraErrorCode.Network,
                $"cannot listen on {options.Address}:{(port == 0 ? "(any free port)" : port)}: {NetMQBindError.Describe(e, options.Address, port)}", e);
        }
    }

    private static int Port(string? endpoint) =>
        endpoint is null ? 0 : int.Parse(endpoint.AsSpan(endpoint.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture);
}
