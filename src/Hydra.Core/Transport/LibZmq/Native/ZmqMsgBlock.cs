using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A fixed set of <see cref="ZmqMsg"/> in native memory, where the GC never moves them: the
/// home for the messages a routing loop receives into and sends from. All are initialised
/// empty on creation and closed on dispose.
/// </summary>
/// <remarks>
/// No finalizer on purpose: <see cref="ZmqMsgRef"/> holds a bare pointer, not a reference to
/// the block, so a finalizer could free memory a forgotten block's messages still point to.
/// A block that is never disposed leaks its 64 bytes per message instead.
/// </remarks>
internal sealed unsafe class ZmqMsgBlock : IDisposable
{
    private ZmqMsg* _msgs;

    public ZmqMsgBlock(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        // 64-byte alignment: one cache line per message (libzmq needs only pointer alignment).
        _msgs = (ZmqMsg*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(ZmqMsg)), 64);
        for (var i = 0; i < count; i++)
        {
            new ZmqMsgRef(_msgs + i).Init();
        }
    }

    public int Count { get; }

    public ZmqMsgRef this[int index]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_msgs is null, this);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return new ZmqMsgRef(_msgs + index);
        }
    }

    public void Dispose()
    {
        if (_msgs is null)
        {
            return;
        }
        for (var i = 0; i < Count; i++)
        {
            new ZmqMsgRef(_msgs + i).Close(); // a message already sent or closed is left alone by libzmq
        }
        NativeMemory.AlignedFree(_msgs);
        _msgs = null;
    }
}
