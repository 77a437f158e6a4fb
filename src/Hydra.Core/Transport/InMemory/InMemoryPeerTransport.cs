using System.Text;

namespace Hydra.Transport.InMemory;

/// <summary>A peer's two connections (main and heartbeat) to an in-memory router, served by a loop thread.</summary>
internal sealed class InMemoryPeerTransport(InMemoryNetwork network, PeerTransportOptions options, string identity, string? publicKey) : IPeerTransport
{
    private readonly InMemoryLoop _loop = new($"HydraMQ {identity} (in memory)");
    private InMemoryConnection? _main;
    private InMemoryConnection? _heartbeat;
    private int _state; // 0 new, 1 running, 2 stopped

    public string Name => "in-memory";

    public ITransportLoop Loop => _loop;

    public void Start(IPeerRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _loop.Start();
        _main = Connect(rules, options.RouterPort, PortKind.Main);
        _heartbeat = Connect(rules, options.RouterHeartbeatPort, PortKind.Heartbeat);
    }

    public SendResult Send(PortKind port, ReadOnlySpan<byte> frame)
    {
        var connection = port == PortKind.Main ? _main! : _heartbeat!;
        connection.Send(frame.ToArray()); // like a DEALER: taken, and delivered once a router is there
        return SendResult.Sent;
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        _main?.Dispose();
        _heartbeat?.Dispose();
        await _loop.StopAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync();

    private InMemoryConnection Connect(IPeerRules rules, int port, PortKind kind)
    {
        return network.Connect(port, Encoding.UTF8.GetBytes(identity), publicKey, options.HighWatermark,
            delivered: frames => _loop.Post(() => rules.OnFrame(kind, frames[^1])),
            linkChanged: change => _loop.Post(() => rules.OnLinkChanged(kind, change)));
    }
}
