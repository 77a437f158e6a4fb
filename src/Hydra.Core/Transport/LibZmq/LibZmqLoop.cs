using System.Collections.Concurrent;
using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The one thread that owns a libzmq transport's sockets: a zmq_poll over them, a wake-up
/// socket (<see cref="LibZmqWaker"/>) so other threads can hand work over, posted work and
/// typed inbound queues (a <see cref="ConcurrentQueue{T}"/> each: no delegate per item).
/// Sockets are added before <see cref="Start"/>; each has a handler that drains it in a batch
/// with ZMQ_DONTWAIT and returns, so one busy socket cannot starve the others.
/// </summary>
internal sealed class LibZmqLoop : ITransportLoop
{
    /// <summary>Queued items handled per turn before the sockets get theirs.</summary>
    private const int QueueBatch = 1024;

    private readonly string _threadName;
    private readonly ILogger _log;
    private LibZmqWaker? _waker; // made at start: before it, queued items simply wait for the loop's first turn
    private readonly List<(ZmqSocket Socket, Action OnReadable)> _sockets = [];
    private readonly List<IDrainable> _queues = [];
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _onExit;
    private Thread? _thread;
    private volatile bool _stopping;
    private int _state; // 0 new, 1 running, 2 stopped

    public LibZmqLoop(string threadName, ILogger log)
    {
        _threadName = threadName;
        _log = log;
        _queues.Add(new Inbound<Action>(this, static work => work(), _posted));
    }

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    public void Post(Action work)
    {
        _posted.Enqueue(work);
        Volatile.Read(ref _waker)?.Wake();
    }

    public IInboundQueue<T> CreateInbound<T>(Action<T> handler)
    {
        if (Volatile.Read(ref _state) != 0)
        {
            throw new InvalidOperationException("create inbound queues before the transport starts");
        }
        var queue = new Inbound<T>(this, handler, new ConcurrentQueue<T>());
        _queues.Add(queue);
        return queue;
    }

    /// <summary>Before <see cref="Start"/>: a socket to poll, and what drains it when it is readable.</summary>
    public void Add(ZmqSocket socket, Action onReadable) => _sockets.Add((socket, onReadable));

    /// <summary>
    /// Starts the thread, with its wake-up socket in <paramref name="context"/>. <paramref name="onExit"/>
    /// runs on it when it stops, before the loop's own sockets close: where the owner closes the
    /// sockets it added (they belong to this thread).
    /// </summary>
    /// <exception cref="ZmqException">The wake-up socket could not be made (the context is shut down).</exception>
    public void Start(ZmqContext context, Action onExit)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a loop starts once");
        }
        Volatile.Write(ref _waker, new LibZmqWaker(context));
        _onExit = onExit;
        _thread = new Thread(Run) { IsBackground = true, Name = _threadName };
        _thread.Start(); // a memory barrier: the sockets created on this thread are handed over whole
    }

    /// <summary>Stops the thread (it closes its sockets) and waits for it, at most <paramref name="budget"/>.</summary>
    /// <returns>False when it did not stop in time.</returns>
    public async Task<bool> StopAsync(TimeSpan budget)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return true;
        }
        _stopping = true;
        _waker!.Wake();
        try
        {
            await _exited.Task.WaitAsync(budget).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Run()
    {
        using var poll = new ZmqPollSet(_sockets.Count + 1);
        using var scratch = new ZmqMsgBlock(1);
        var waker = _waker!;
        var wakerIndex = poll.Add(waker.Reader, ZmqPollEvents.In);
        foreach (var (socket, _) in _sockets)
        {
            poll.Add(socket, ZmqPollEvents.In);
        }
        try
        {
            var queued = true;
            while (!_stopping)
            {
                if (queued)
                {
                    queued = RunQueues();
                }
                // Block only when nothing is left to do: queued work left over polls without waiting.
                if (poll.Poll(queued ? 0 : -1) == 0)
                {
                    continue;
                }
                if (poll.IsReadable(wakerIndex))
                {
                    waker.Consume(scratch[0]);
                    queued = true;
                }
                for (var i = 0; i < _sockets.Count; i++)
                {
                    if (poll.IsReadable(i + 1))
                    {
                        Handle(_sockets[i].OnReadable);
                    }
                }
            }
            // Work handed over before the stop is still done (a peer's last sends complete their
            // tasks), while the sockets are open; what comes later finds the loop gone.
            while (RunQueues())
            {
            }
        }
        catch (ZmqException e) when (e.Error == ZmqError.Terminated)
        {
            // The context was shut down under us (HydraTransports.Cleanup while still running): just close.
        }
        finally
        {
            Handle(_onExit!);
            waker.Dispose();
            _exited.TrySetResult();
        }
    }

    /// <returns>Whether items are left for the next turn.</returns>
    private bool RunQueues()
    {
        var left = false;
        foreach (var queue in _queues)
        {
            left |= queue.Drain(QueueBatch);
        }
        return left;
    }

    private void Handle(Action work)
    {
        try
        {
            work();
        }
        catch (Exception e) when (e is not ZmqException { Error: ZmqError.Terminated })
        {
            // Handlers guard their own work; this keeps one failure from stopping the loop.
            _log.LogError(e, "Internal error on the {Thread} thread; it goes on", _threadName);
        }
    }

    private interface IDrainable
    {
        /// <returns>Whether items are left.</returns>
        bool Drain(int max);
    }

    private sealed class Inbound<T>(LibZmqLoop loop, Action<T> handler, ConcurrentQueue<T> items) : IInboundQueue<T>, IDrainable
    {
        public void Enqueue(T item)
        {
            items.Enqueue(item);
            Volatile.Read(ref loop._waker)?.Wake();
        }

        public bool Drain(int max)
        {
            for (var i = 0; i < max; i++)
            {
                if (!items.TryDequeue(out var item))
                {
                    return false;
                }
                try
                {
                    handler(item);
                }
                catch (Exception e)
                {
                    loop._log.LogError(e, "Internal error on the {Thread} thread; it goes on", loop._threadName);
                }
            }
            return !items.IsEmpty;
        }
    }
}
