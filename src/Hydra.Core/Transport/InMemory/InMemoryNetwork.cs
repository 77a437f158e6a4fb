
namespace Hydra.Transport.InMemory;

/// <summary>
/// Routers and peers wired together inside one process, for testing the routing rules and
/// HydraMQ without sockets (and, with a fake <see cref="TimeProvider"/>, without waiting).
/// Ports are numbers in this network only. A connection made before its router starts waits
/// for it, as ZeroMQ's connect does.
/// </summary>
internal sealed class InMemoryNetwork
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, (InMemoryRouterTransport Router, PortKind Kind)> _ports = [];
    private readonly List<InMemoryConnection> _waiting = [];
    private int _nextPort = 20_000;

    /// <summary>A raw connection, as a DEALER with this identity (and CURVE public key) would make.</summary>
    public InMemoryConnection Connect(int port, byte[] identity, string? key = null, int capacity = 10_000,
        Action<byte[][]>? delivered = null, Action<LinkEvent>? linkChanged = null)
    {
        var connection = new InMemoryConnection(this, port, identity, key, capacity, delivered, linkChanged);
        InMemoryRouterTransport? router;
        PortKind kind;
        lock (_gate)
        {
            if (!_ports.TryGetValue(port, out var bound))
            {
                _waiting.Add(connection);
                return connection;
            }
            (router, kind) = bound;
        }
        router.Accept(connection, kind);
        return connection;
    }

    internal int Bind(InMemoryRouterTransport router, int port, PortKind kind)
    {
        List<InMemoryConnection> arrived;
        lock (_gate)
        {
            if (port == 0)
            {
                port = _nextPort++;
            }
            if (!_ports.TryAdd(port, (router, kind)))
            {
                throw new HydraException(HydraErrorCode.Network, $"cannot listen on in-memory port {port}: port {port} is already in use");
            }
            arrived = _waiting.FindAll(c => c.Port == port);
            _waiting.RemoveAll(c => c.Port == port);
        }
        foreach (var connection in arrived)
        {
            router.Accept(connection, kind);
        }
        return port;
    }

    /// <summary>The router closed the port: its connections wait for the next router there.</summary>
    internal void Unbind(int port, IEnumerable<InMemoryConnection> connections)
    {
        lock (_gate)
        {
            _ports.Remove(port);
            _waiting.AddRange(connections);
        }
    }

    internal void Forget(InMemoryConnection connection)
    {
        lock (_gate)
        {
            _waiting.Remove(connection);
        }
    }
}
