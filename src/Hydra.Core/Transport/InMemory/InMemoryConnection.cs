using System.Collections.Concurrent;

namespace Hydra.Transport.InMemory;

/// <summary>
/// One peer's connection to one port of an in-memory router, like a DEALER socket's: frames
/// go to the router, and the router's frames queue here up to the high-water mark. Tests use
/// it directly as a raw peer (<see cref="Send"/>, <see cref="Receive"/>); a peer transport
/// takes frames as they come (a delivery callback).
/// </summary>
internal sealed class InMemoryConnection(InMemoryNetwork network, int port, byte[] identity, string? key, int capacity,
    Action<byte[][]>? delivered = null, Action<LinkEvent>? linkChanged = null) : IDisposable
{
    private readonly BlockingCollection<byte[][]> _inbox = new(capacity);
    private readonly Lock _gate = new();
    private readonly List<byte[][]> _unsent = []; // sent before a router took the connection, as a DEALER queues them
    private InMemoryRouterTransport? _router;
    private bool _closed;

    public byte[] Identity { get; } = identity;

    public int Port { get; } = port;

    /// <summary>The CURVE public key this connection would prove in a handshake (Z85), if any.</summary>
    public string? Key { get; } = key;

    /// <summary>True while a router accepts this connection's frames.</summary>
    public bool IsAttached => Volatile.Read(ref _router) is not null;

    /// <summary>Sends a message's frames (after the identity the router adds) to the router.</summary>
    public void Send(params byte[][] frames)
    {
        lock (_gate)
        {
            if (_router is null)
            {
                _unsent.Add(frames);
                return;
            }
            _router.Receive(this, frames);
        }
    }

    /// <summary>The next message from the router; throws <see cref="TimeoutException"/> after the deadline.</summary>
    public byte[][] Receive(TimeSpan? deadline = null) =>
        _inbox.TryTake(out var frames, deadline ?? TimeSpan.FromSeconds(5))
            ? frames
            : throw new TimeoutException("nothing from the in-memory router within the deadline");

    /// <summary>Called by the router: queues or delivers a message, or says why not.</summary>
    internal SendResult Deliver(byte[][] frames)
    {
        if (delivered is not null)
        {
            delivered(frames); // a peer transport takes everything, as a DEALER with room does
            return SendResult.Sent;
        }
        return _inbox.TryAdd(frames) ? SendResult.Sent : SendResult.QueueFull;
    }

    internal void Attach(InMemoryRouterTransport router)
    {
        lock (_gate)
        {
            _router = router;
            foreach (var frames in _unsent)
            {
                router.Receive(this, frames);
            }
            _unsent.Clear();
        }
        linkChanged?.Invoke(LinkEvent.Connected);
    }

    internal void Detach()
    {
        lock (_gate)
        {
            _router = null;
        }
        linkChanged?.Invoke(LinkEvent.Disconnected);
    }

    /// <summary>Closes the connection: the router hears that the peer is gone.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        InMemoryRouterTransport? router;
        lock (_gate)
        {
            (router, _router) = (_router, null);
        }
        router?.Disconnected(this);
        network.Forget(this);
    }
}
