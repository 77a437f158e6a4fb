using System.Numerics;
using NetMQ;
using NetMQ.Core.Utils;

namespace Hydra.Transport.NetMQ;

/// <summary>
/// Replaces NetMQ's default buffer and counter "pools", which allocate a new byte[] and a new
/// AtomicCounter for every frame received (on the I/O thread for bodies, on the socket's
/// thread for the identity frame a ROUTER prepends), with real pools. Routed frames then
/// reuse memory instead of feeding the GC a few hundred bytes per message.
/// NetMQ's pools are process-wide, so this is installed once per process.
/// </summary>
/// <remarks>
/// The pools are per thread and need no locking: a forwarded body is taken and returned by
/// the same NetMQ I/O thread (decoded from one connection, encoded onto another), and the
/// identity frame by the router's poller thread. A buffer returned on another thread joins
/// that thread's pool. Each thread keeps a bounded number per size class; beyond it, a returned
/// buffer goes to a shared queue, where a thread whose own pool is empty looks before allocating.
/// That serves one-way flows: frames a router sends that did not come from a NetMQ socket (a
/// cluster's frames from NATS) are taken on the poller thread and returned on the I/O thread.
/// </remarks>
internal static class NetMQPools
{
    private static int _installed;
    private static long _taken;
    private static long _returned;

    public static bool IsInstalled => Volatile.Read(ref _installed) == 1;

    /// <summary>Frame buffers taken and not yet returned (queued, in use, or dropped by NetMQ to the GC); for benchmarks.</summary>
    public static long BuffersOutstanding => Interlocked.Read(ref _taken) - Interlocked.Read(ref _returned);

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            BufferPool.SetCustomBufferPool(new ThreadBufferPool());
            AtomicCounterPool.SetCustomCounterPool(new ThreadCounterPool());
        }
    }

    /// <summary>
    /// Frame buffers by size class (four per power of two, so a buffer is at most 25 % larger
    /// than its frame), up to 1 MiB (and 4,096 buffers) per class and thread, and as much again in the
    /// shared queue: enough to absorb
    /// the ups and downs of a busy router, small enough that the pools never hold much memory
    /// (a refused message's buffer is returned on the poller thread, which keeps at most that).
    /// </summary>
    private sealed class ThreadBufferPool : IBufferPool
    {
        private const int Smallest = 64;
        private const int LargestShift = 20;  // classes up to 2 MiB; larger frames are not pooled
        private const int ClassCount = 1 + ((LargestShift - 5) * 4);
        private const long BytesKeptPerClass = 1L << 20;
        private const int MaxKeptPerClass = 4 * 1024;

        [ThreadStatic]
        private static Stack<byte[]>?[]? t_classes;

        // Overflow shared by all threads (a ConcurrentQueue adds no node per item), bounded like a thread's own.
        private static readonly System.Collections.Concurrent.ConcurrentQueue<byte[]>[] Shared =
            [.. Enumerable.Range(0, ClassCount).Select(_ => new System.Collections.Concurrent.ConcurrentQueue<byte[]>())];

        public byte[] Take(int size)
        {
            Interlocked.Increment(ref _taken);
            var index = IndexOf(size, out var classSize);
            if (index >= ClassCount)
            {
                return new byte[size];
            }
            var free = t_classes?[index];
            return free is not null && free.TryPop(out var buffer) ? buffer
                : Shared[index].TryDequeue(out buffer) ? buffer
                : new byte[classSize];
        }

        public void Return(byte[] buffer)
        {
            Interlocked.Increment(ref _returned);
            var index = IndexOf(buffer.Length, out var classSize);
            if (index >= ClassCount || buffer.Length != classSize)
            {
                return; // not one of ours (or too big to keep): the GC has it
            }
            var classes = t_classes ??= new Stack<byte[]>?[ClassCount];
            var free = classes[index] ??= new Stack<byte[]>();
            var kept = Math.Min(MaxKeptPerClass, BytesKeptPerClass / classSize);
            if (free.Count < kept)
            {
                free.Push(buffer);
            }
            else if (Shared[index].Count < kept)
            {
                Shared[index].Enqueue(buffer);
            }
        }

        /// <summary>Class 0 is 64 bytes; above, each range (2^e, 2^(e+1)] is cut into four equal steps.</summary>
        private static int IndexOf(int size, out int classSize)
        {
            if (size <= Smallest)
            {
                classSize = Smallest;
                return 0;
            }
            var e = BitOperations.Log2((uint)size - 1); // 2^e < size <= 2^(e+1), e >= 6
            var step = 1 << (e - 2);
            var sub = (size - (1 << e) - 1) / step;     // 0..3
            classSize = (1 << e) + ((sub + 1) * step);
            return 1 + ((e - 6) * 4) + sub;
        }

        public void Dispose()
        {
            // Installed for the life of the process.
        }
    }

    /// <summary>Counters, per thread; NetMQ sets a counter's value before it relies on it.</summary>
    private sealed class ThreadCounterPool : IAtomicCounterPool
    {
        private const int MaxKept = 4 * 1024;

        [ThreadStatic]
        private static Stack<AtomicCounter>? t_free;

        private static readonly System.Collections.Concurrent.ConcurrentQueue<AtomicCounter> Shared = new();

        public AtomicCounter Take() =>
            t_free is { } free && free.TryPop(out var counter) ? counter
            : Shared.TryDequeue(out counter) ? counter
            : new AtomicCounter();

        public void Return(AtomicCounter counter)
        {
            var free = t_free ??= new Stack<AtomicCounter>();
            if (free.Count < MaxKept)
            {
                free.Push(counter);
            }
            else if (Shared.Count < MaxKept)
            {
                Shared.Enqueue(counter);
            }
        }

        public void Dispose()
        {
            // Installed for the life of the process.
        }
    }
}
