using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// Wakes a <see cref="LibZmqLoop"/> blocked in zmq_poll from any thread: an inproc PAIR pair
/// whose reading end sits in the loop's poll set. At most one wake-up message is in flight:
/// <see cref="Wake"/> sends only when the loop has not been woken since it last looked, so a
/// burst of enqueued items costs one message, not one each.
/// </summary>
internal sealed class LibZmqWaker : IDisposable
{
    private static int _next;
    private readonly Lock _sending = new(); // libzmq sockets are not thread-safe; the writer is shared
    private readonly ZmqSocket _writer;
    private int _signalled;

    public LibZmqWaker(ZmqContext context)
    {
        var endpoint = $"inproc://hydra.wake.{Interlocked.Increment(ref _next)}";
        Reader = ZmqSocket.Create(context, ZmqSocketType.Pair);
        try
        {
            Reader.Bind(endpoint);
            _writer = ZmqSocket.Create(context, ZmqSocketType.Pair);
            _writer.Connect(endpoint);
        }
        catch
        {
            Reader.Dispose();
            throw;
        }
    }

    /// <summary>Whether something was handed over since the loop last looked: it checks this between batches, without a system call.</summary>
    public bool Signalled => Volatile.Read(ref _signalled) != 0;

    /// <summary>The end the loop polls and reads (loop thread only).</summary>
    public ZmqSocket Reader { get; }

    /// <summary>Any thread: makes the loop's next (or current) poll return.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _signalled, 1) != 0)
        {
            return; // already woken and not yet looked
        }
        lock (_sending)
        {
            if (!_writer.IsClosed)
            {
                _ = _writer.Send(ReadOnlySpan<byte>.Empty, ZmqFlags.DontWait); // ETERM while stopping: nobody to wake
            }
        }
    }

    /// <summary>
    /// Loop thread, before it looks at its queues: consumes the wake-up messages and re-arms
    /// <see cref="Wake"/>. An item enqueued after this is either seen by the look that follows
    /// or wakes the loop again.
    /// </summary>
    public void Consume(ZmqMsgRef scratch)
    {
        while (Reader.Receive(scratch, ZmqFlags.DontWait) == ZmqError.None)
        {
        }
        Volatile.Write(ref _signalled, 0);
    }

    public void Dispose()
    {
        lock (_sending)
        {
            _writer.Dispose();
        }
        Reader.Dispose();
    }
}
