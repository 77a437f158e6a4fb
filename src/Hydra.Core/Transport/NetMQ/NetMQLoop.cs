using NetMQ;

namespace Hydra.Transport.NetMQ;

/// <summary>
/// A NetMQ poller thread with its sockets, a queue of posted work and typed inbound queues
/// (each a <see cref="NetMQQueue{T}"/>, which wakes the poller without a delegate per item).
/// </summary>
internal sealed class NetMQLoop(string threadName) : ITransportLoop, IDisposable
{
    private readonly NetMQPoller _poller = [];
    private readonly NetMQQueue<Action> _posted = new();
    private readonly List<IDisposable> _owned = [];
    private readonly List<global::NetMQ.Monitoring.NetMQMonitor> _monitors = [];
    private int _state; // 0 new, 1 running, 2 stopped

    public bool IsCurrentThread => _poller.CanExecuteTaskInline;

    public bool IsRunning => Volatile.Read(ref _state) == 1;

    public void Post(Action work) => _posted.Enqueue(work);

    public IInboundQueue<T> CreateInbound<T>(Action<T> handler)
    {
        var queue = new NetMQQueue<T>();
        queue.ReceiveReady += (_, _) =>
        {
            while (queue.TryDequeue(out var item, TimeSpan.Zero))
            {
                handler(item);
            }
        };
        Add(queue);
        return new Inbound<T>(queue);
    }

    public IDisposable WatchSocket(System.Net.Sockets.Socket socket, Action onReadable)
    {
        _poller.Add(socket, _ => onReadable());
        return new Unwatch(_poller, socket);
    }

    /// <summary>Adds a socket (or queue, or monitor) the loop polls and disposes when it stops.</summary>
    public void Add(ISocketPollable pollable)
    {
        _poller.Add(pollable);
        if (pollable is IDisposable disposable)
        {
            _owned.Add(disposable);
        }
    }

    /// <summary>Raises a socket's monitor events on this loop's thread; disposed with the loop.</summary>
    public void Attach(global::NetMQ.Monitoring.NetMQMonitor monitor)
    {
        monitor.AttachToPoller(_poller);
        _monitors.Add(monitor);
    }

    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a loop starts once");
        }
        _posted.ReceiveReady += (_, _) =>
        {
            while (_posted.TryDequeue(out var work, TimeSpan.Zero))
            {
                work();
            }
        };
        _poller.Add(_posted);
        _poller.RunAsync(threadName, isBackgroundThread: true);
    }

    /// <summary>Stops the poller thread (waiting for it, off the caller's thread) within <paramref name="budget"/>.</summary>
    /// <returns>False when the thread did not stop in time; its sockets are then left alone.</returns>
    public async Task<bool> StopAsync(TimeSpan budget)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return true;
        }
        try
        {
            await Task.Run(_poller.Stop).WaitAsync(budget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        Dispose();
        return true;
    }

    public void Dispose()
    {
        foreach (var monitor in _monitors)
        {
            monitor.Dispose(); // detaches from the poller, which must not be disposed yet
        }
        _monitors.Clear();
        _poller.Dispose();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        _owned.Clear();
        _posted.Dispose();
    }

    private sealed class Unwatch(NetMQPoller poller, System.Net.Sockets.Socket socket) : IDisposable
    {
        public void Dispose() => poller.Remove(socket);
    }

    private sealed class Inbound<T>(NetMQQueue<T> queue) : IInboundQueue<T>
    {
        public void Enqueue(T item) => queue.Enqueue(item);
    }
}
