using System.Collections.Concurrent;
using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

/// <summary>What a socket's handler left behind.</summary>
internal enum DrainResult
{
    /// <summary>Read until EAGAIN: the socket's ZMQ_FD will signal again when something comes.</summary>
    Drained,
    /// <summary>Stopped at its batch limit with more waiting: call again before sleeping.</summary>
    More,
    /// <summary>ETERM: the context is shutting down; the loop stops.</summary>
    Closed,
}

/// <summary>
/// The one thread that owns a libzmq transport's sockets, a wake-up socket
/// (<see cref="LibZmqWaker"/>) so other threads can hand work over, posted work and typed
/// inbound queues (a <see cref="ConcurrentQueue{T}"/> each: no delegate per item). Sockets are
/// added before <see cref="Start"/>; each has a handler that drains it in a batch with
/// ZMQ_DONTWAIT and returns, so one busy socket cannot starve the others.
/// </summary>
/// <remarks>
/// The wait is one poll() over the sockets' ZMQ_FD descriptors, not a zmq_poll over the sockets:
/// zmq_poll asks every socket for its events, a system call each, on every wake-up, which on
/// a router woken for a few messages at a time cost more than the routing. ZMQ_FD is
/// edge-triggered, so the loop keeps track of which sockets may hold something it has not read
/// (one that signalled, one whose handler stopped at its limit, and every socket after queued
/// work ran, since that work may have sent on them) and drains those until EAGAIN before it waits.
/// </remarks>
internal sealed class LibZmqLoop : ITransportLoop
{
    /// <summary>Queued items handled per turn before the sockets get theirs.</summary>
    private const int QueueBatch = 1024;

    private readonly string _threadName;
    private readonly ILogger _log;
    private LibZmqWaker? _waker; // made at start: before it, queued items simply wait for the loop's first turn
    private readonly List<(ZmqSocket Socket, Func<DrainResult> Drain)> _sockets = [];
    private readonly List<IDrainable> _queues = [];
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action? _onExit;
    private Thread? _thread;
    private volatile bool _stopping;
    private bool _queuedFromLoop; // loop thread only
    private readonly WatchedSockets _watched;
    private int _state; // 0 new, 1 running, 2 stopped

    public LibZmqLoop(string threadName, ILogger log)
    {
        _threadName = threadName;
        _log = log;
        _watched = new WatchedSockets(e => _log.LogLoopFailed(e, _threadName));
        _queues.Add(new Inbound<Action>(this, static work => work(), _posted));
    }

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    public void Post(Action work)
    {
        _posted.Enqueue(work);
        WakeUnlessRunning();
    }

    /// <summary>
    /// Wakes the loop for an item just queued; from the loop thread itself (work that posts more
    /// work, a handler that queues a flush) no wake-up message is needed, only a note that the
    /// queues must be looked at again before the loop sleeps (a wake-up is two system calls).
    /// </summary>
    private void WakeUnlessRunning()
    {
        if (IsCurrentThread)
        {
            _queuedFromLoop = true;
            return;
        }
        Volatile.Read(ref _waker)?.Wake();
    }

    public IDisposable WatchSocket(System.Net.Sockets.Socket socket, Action onReadable)
    {
        if (!IsCurrentThread)
        {
            throw new InvalidOperationException("watch a socket from the loop thread");
        }
        return _watched.Add(socket, onReadable);
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

    /// <summary>Before <see cref="Start"/>: a socket to wait on, and what drains it (until EAGAIN, or a batch).</summary>
    public void Add(ZmqSocket socket, Func<DrainResult> drain) => _sockets.Add((socket, drain));

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
        var waker = _waker!;
        using var poll = new ZmqPollSet(_sockets.Count + 1 + WatchedSockets.Capacity);
        using var scratch = new ZmqMsgBlock(1);
        var dirty = new bool[_sockets.Count + 1]; // [0] the waker, then the sockets in order
        try
        {
            poll.AddFd(waker.Reader.Fd, ZmqPollEvents.In);
            foreach (var (socket, _) in _sockets)
            {
                poll.AddFd(socket.Fd, ZmqPollEvents.In);
            }
            for (var i = 0; i < WatchedSockets.Capacity; i++)
            {
                poll.AddFd(-1, ZmqPollEvents.In);
            }
            _watched.Attach(poll, _sockets.Count + 1);
            Array.Fill(dirty, true);
            var queued = true;
            while (!_stopping)
            {
                if (queued)
                {
                    (var ran, queued) = RunQueues();
                    if (ran)
                    {
                        Array.Fill(dirty, true, 1, _sockets.Count); // the work may have sent on any socket
                    }
                }
                // A busy socket must not starve queued work: look at the waker between batches too.
                if (dirty[0] || waker.Signalled)
                {
                    waker.Consume(scratch[0]);
                    dirty[0] = false;
                    queued = true;
                    continue;
                }
                var more = false;
                for (var i = 0; i < _sockets.Count; i++)
                {
                    if (dirty[i + 1])
                    {
                        var result = Handle(_sockets[i].Drain);
                        if (result == DrainResult.Closed)
                        {
                            return;
                        }
                        dirty[i + 1] = result == DrainResult.More;
                        more |= dirty[i + 1];
                    }
                }
                if (more || queued || _queuedFromLoop)
                {
                    queued |= _queuedFromLoop;
                    _queuedFromLoop = false;
                    _watched.WhileBusy();
                    continue;
                }
                if (poll.Poll(-1) == 0)
                {
                    continue; // EINTR
                }
                for (var i = 0; i < dirty.Length; i++)
                {
                    dirty[i] = poll.IsReadable(i);
                }
                _watched.AfterPoll(poll);
            }
            // Work handed over before the stop is still done (a peer's last sends complete their
            // tasks), while the sockets are open; what comes later finds the loop gone.
            while (RunQueues().Left)
            {
            }
        }
        catch (ZmqException e) when (e.Error == ZmqError.Terminated)
        {
            // The context was shut down under us (HydraTransports.Cleanup while still running): just close.
        }
        finally
        {
            HandleExit();
            waker.Dispose();
            _exited.TrySetResult();
        }
    }

    /// <returns>Whether any item ran, and whether items are left for the next turn.</returns>
    private (bool Ran, bool Left) RunQueues()
    {
        var ran = false;
        var left = false;
        foreach (var queue in _queues)
        {
            var (queueRan, queueLeft) = queue.Drain(QueueBatch);
            ran |= queueRan;
            left |= queueLeft;
        }
        return (ran, left);
    }

    private DrainResult Handle(Func<DrainResult> drain)
    {
        try
        {
            return drain();
        }
        catch (Exception e) when (e is not ZmqException { Error: ZmqError.Terminated })
        {
            // Handlers guard their own work; this keeps one failure from stopping the loop.
            _log.LogLoopFailed(e, _threadName);
            return DrainResult.More; // look again rather than risk a socket left unread
        }
    }

    private void HandleExit()
    {
        try
        {
            _onExit!();
        }
        catch (Exception e)
        {
            _log.LogCloseFailed(e, _threadName);
        }
    }

    private interface IDrainable
    {
        (bool Ran, bool Left) Drain(int max);
    }

    private sealed class Inbound<T>(LibZmqLoop loop, Action<T> handler, ConcurrentQueue<T> items) : IInboundQueue<T>, IDrainable
    {
        public void Enqueue(T item)
        {
            items.Enqueue(item);
            loop.WakeUnlessRunning();
        }

        public (bool Ran, bool Left) Drain(int max)
        {
            for (var i = 0; i < max; i++)
            {
                if (!items.TryDequeue(out var item))
                {
                    return (i > 0, false);
                }
                try
                {
                    handler(item);
                }
                catch (Exception e)
                {
                    loop._log.LogLoopFailed(e, loop._threadName);
                }
            }
            return (true, !items.IsEmpty);
        }
    }
}
