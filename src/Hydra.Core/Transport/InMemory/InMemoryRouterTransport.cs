using System.Text;
using Hydra.Protocol;

namespace Hydra.Transport.InMemory;

/// <summary>
/// A router transport inside one process (see <see cref="InMemoryNetwork"/>), with ZeroMQ's
/// ROUTER rules where the routing rules depend on them: sends to an unknown identity fail
/// (ROUTER_MANDATORY), a full queue refuses (high-water mark), a second connection with a name
/// takes it over (handover) unless keys are checked, and a closed connection is reported.
/// </summary>
internal sealed class InMemoryRouterTransport(InMemoryNetwork network, RouterTransportOptions options, bool keysInHandshake) : IRouterTransport
{
    private readonly InMemoryLoop _loop = new("HydraRouter (in memory)");
    private readonly Dictionary<byte[], InMemoryConnection>[] _connections =
        [new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance)]; // by PortKind; loop thread only
    private IRouterRules? _rules;
    private int _port;
    private int _heartbeatPort;
    private int _state; // 0 new, 1 running, 2 stopped

    public string Name => "in-memory";

    public TransportCapabilities Capabilities =>
        TransportCapabilities.PeerGone | (keysInHandshake ? TransportCapabilities.HandshakeAuthentication : TransportCapabilities.None);

    public ITransportLoop Loop => _loop;

    /// <summary>What the loop's work threw (tests assert it stays empty).</summary>
    public IReadOnlyCollection<Exception> Faults => _loop.Faults;

    public (int Port, int HeartbeatPort) Start(IRouterRules rules)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a transport starts once");
        }
        _rules = rules;
        _loop.Start();
        _port = network.Bind(this, options.Port, PortKind.Main);
        _heartbeatPort = network.Bind(this, options.HeartbeatPort, PortKind.Heartbeat);
        return (_port, _heartbeatPort);
    }

    public SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame, object? token) =>
        Send(port, identity, envelope, frame.Body);

    public SendResult Send(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, ReadOnlySpan<byte> body)
    {
        if (!_connections[(int)port].GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(identity, out var connection))
        {
            return SendResult.UnknownPeer;
        }
        return connection.Deliver(envelope == Envelope.Delimited ? [[], body.ToArray()] : [body.ToArray()]);
    }

    public async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Post(() =>
        {
            foreach (var kind in new[] { PortKind.Main, PortKind.Heartbeat })
            {
                var connections = _connections[(int)kind].Values.ToList();
                _connections[(int)kind].Clear();
                foreach (var connection in connections)
                {
                    connection.Detach();
                }
                network.Unbind(kind == PortKind.Main ? _port : _heartbeatPort, connections);
            }
            closed.TrySetResult();
        });
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _loop.StopAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => StopAsync();

    /// <summary>A connection arrives (any thread): checked as a handshake would, then known by its identity.</summary>
    internal void Accept(InMemoryConnection connection, PortKind kind) => _loop.Post(() =>
    {
        if (keysInHandshake && (connection.Key is null || options.AuthorizedKeys?.Contains(connection.Key) != true))
        {
            return; // refused in the handshake: the stranger never gets a connection
        }
        var byIdentity = _connections[(int)kind];
        if (byIdentity.ContainsKey(connection.Identity) && options.AuthorizedKeys is not null)
        {
            return; // no handover while keys are checked: the first connection keeps the name
        }
        byIdentity[connection.Identity] = connection; // handover: the newest connection wins
        connection.Attach(this);
    });

    /// <summary>A message from a connection (any thread).</summary>
    internal void Receive(InMemoryConnection connection, byte[][] frames) => _loop.Post(() =>
    {
        if (!IsCurrent(connection, out var kind))
        {
            return; // replaced by a newer connection with its name, or never accepted
        }
        var body = frames.Length == 0 ? [] : frames[^1];
        var key = keysInHandshake ? Encoding.ASCII.GetBytes(connection.Key!) : [];
        _rules!.OnFrame(kind, connection.Identity, new ReceivedFrame(body, frames.Length, frames.Length > 0 && frames[0].Length == 0, key));
    });

    /// <summary>A connection closed (any thread).</summary>
    internal void Disconnected(InMemoryConnection connection) => _loop.Post(() =>
    {
        if (IsCurrent(connection, out var kind))
        {
            _connections[(int)kind].Remove(connection.Identity);
            _rules!.OnPeerGone(kind, connection.Identity);
        }
    });

    private bool IsCurrent(InMemoryConnection connection, out PortKind kind)
    {
        for (kind = PortKind.Main; kind <= PortKind.Heartbeat; kind++)
        {
            if (_connections[(int)kind].TryGetValue(connection.Identity, out var current) && ReferenceEquals(current, connection))
            {
                return true;
            }
        }
        return false;
    }
}
