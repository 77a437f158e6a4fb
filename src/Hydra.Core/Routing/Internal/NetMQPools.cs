using System.Numerics;
using NetMQ;
using NetMQ.Core.Utils;

namespace Hydra.Routing.Internal;

/// <summary>
/// Replaces NetMQ's default buffer and counter "pools", which allocate a new byte[] and a new
/// AtomicCounter for every frame received (on the I/O thread for bodies, on the socket's
/// thread for the identity frame a ROUTER prepends), with real pools. Routed frames then
/// reuse memory instead of feeding the GC a few hundred bytes per message.
/// NetMQ's pools are process-wide, so this is installed once per process.
/// </summary>
internal static class NetMQPools
{
    private static int _installed;

    public static bool IsInstalled => Volatile.Read(ref _installed) == 1;

    /// <summary>Frames taken from the pools and not yet returned (in queues or in use); for benchmarks and tests.</summary>
    public static long BuffersOutstanding => ArrayBufferPool.Instance.Outstanding;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            BufferPool.SetCustomBufferPool(ArrayBufferPool.Instance);
            AtomicCounterPool.SetCustomCounterPool(new CounterPool());
        }
    }

    /// <summary>
    /// Frame buffers by power-of-two size. <see cref="System.Buffers.ArrayPool{T}.Shared"/> keeps only a few dozen
    /// arrays per size, far fewer than the thousands of frames a router has queued at full speed,
    /// so it would still allocate most of them; this pool keeps up to 64 MiB per size class.
    /// </summary>
    private sealed class ArrayBufferPool : IBufferPool
    {
        public static readonly ArrayBufferPool Instance = new();
        private const int SmallestShift = 6;               // 64 bytes
        private const int LargestShift = 21;               // 2 MiB; larger frames are not pooled
        private const long BytesKeptPerClass = 64L << 20;
        private readonly SizeClass[] _classes = new SizeClass[LargestShift - SmallestShift + 1];
        private long _taken;
        private long _returned;

        private ArrayBufferPool()
        {
            for (var i = 0; i < _classes.Length; i++)
            {
                var size = 1 << (i + SmallestShift);
                _classes[i] = new SizeClass(size, (int)Math.Min(16 * 1024, BytesKeptPerClass / size));
            }
        }

        public long Outstanding => Interlocked.Read(ref _taken) - Interlocked.Read(ref _returned);

        public byte[] Take(int size)
        {
            Interlocked.Increment(ref _taken);
            var index = IndexOf(size);
            return index < _classes.Length ? _classes[index].Take() : new byte[size];
        }

        public void Return(byte[] buffer)
        {
            Interlocked.Increment(ref _returned);
            var index = IndexOf(buffer.Length);
            if (index < _classes.Length && _classes[index].Size == buffer.Length)
            {
                _classes[index].Return(buffer);
            }
        }

        private static int IndexOf(int size) =>
            size <= 1 << SmallestShift ? 0 : BitOperations.Log2((uint)size - 1) + 1 - SmallestShift;

        public void Dispose()
        {
            // Installed for the life of the process.
        }

        private sealed class SizeClass(int size, int capacity)
        {
            private readonly Stack<byte[]> _free = new();
            private readonly Lock _lock = new();

            public int Size => size;

            public byte[] Take()
            {
                lock (_lock)
                {
                    if (_free.TryPop(out var buffer))
                    {
                        return buffer;
                    }
                }
                return new byte[size];
            }

            public void Return(byte[] buffer)
            {
                lock (_lock)
                {
                    if (_free.Count < capacity)
                    {
                        _free.Push(buffer);
                    }
                }
            }
        }
    }

    /// <summary>A bounded stack of counters; NetMQ sets a counter's value before it relies on it.</summary>
    private sealed class CounterPool : IAtomicCounterPool
    {
        private const int MaxKept = 64 * 1024;
        private readonly Stack<AtomicCounter> _free = new();
        private readonly Lock _lock = new();

        public AtomicCounter Take()
        {
            lock (_lock)
            {
                if (_free.TryPop(out var counter))
                {
                    return counter;
                }
            }
            return new AtomicCounter();
        }

        public void Return(AtomicCounter counter)
        {
            lock (_lock)
            {
                if (_free.Count < MaxKept)
                {
                    _free.Push(counter);
                }
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _free.Clear();
            }
        }
    }
}
