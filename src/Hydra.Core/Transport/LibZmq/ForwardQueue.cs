using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hydra.Protocol;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The forwards of one burst, sent together once the rules have seen all of it. libzmq's I/O
/// thread, woken by the first, then finds the rest queued and writes them in fewer TCP sends,
/// and the routing thread wakes it less often: at 4 pairs × 100 B, router CPU per message fell
/// by a fifth (BENCHMARKS.md). Each entry points into its message's zmq_msg_t, which stays put
/// until the burst's next receive.
/// </summary>
internal sealed unsafe class ForwardQueue(int capacity)
{
    private readonly Entry[] _entries = new Entry[capacity];

    public int Count { get; private set; }

    public ref readonly Entry this[int index] => ref _entries[index];

    /// <param name="socket">Where it goes.</param>
    /// <param name="target">The target's routing identity: bytes of the message's own body, in native memory.</param>
    /// <param name="envelope">How the target frames its messages.</param>
    /// <param name="message">The message's place in the burst.</param>
    /// <param name="token">The rules', handed back should the send fail.</param>
    public SendResult Add(ZmqSocket socket, ReadOnlySpan<byte> target, Envelope envelope, int message, object? token)
    {
        _entries[Count++] = new Entry(socket, (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(target)), target.Length, envelope, message, token);
        return SendResult.Queued;
    }

    public void Clear()
    {
        Array.Clear(_entries, 0, Count); // the tokens are the rules' objects: not kept past the burst
        Count = 0;
    }

    internal readonly struct Entry(ZmqSocket socket, byte* target, int targetLength, Envelope envelope, int message, object? token)
    {
        public ZmqSocket Socket { get; } = socket;
        public ReadOnlySpan<byte> Target => new(target, targetLength);
        public Envelope Envelope { get; } = envelope;
        public int Message { get; } = message;
        public object? Token { get; } = token;
    }
}
