using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A reusable zmq_poll item array in native memory: built once, polled for every wait, so
/// waiting allocates nothing and nothing is pinned per call. Belongs to the thread that owns
/// its sockets. (zmq_poll makes at least one poll() system call, so a routing loop should
/// drain a socket with <see cref="ZmqFlags.DontWait"/> until EAGAIN before polling again.)
/// </summary>
internal sealed unsafe class ZmqPollSet : IDisposable
{
    // zmq_pollitem_t is { void* socket; zmq_fd_t fd; short events; short revents; }, and
    // zmq_fd_t is an int on Unix but a pointer-sized SOCKET on Windows: 16 bytes per item on
    // 64-bit Unix, 24 on 64-bit Windows.
    private static readonly int FdSize = OperatingSystem.IsWindows() ? IntPtr.Size : sizeof(int);
    private static readonly int EventsOffset = IntPtr.Size + FdSize;
    private static readonly int Stride = (EventsOffset + (2 * sizeof(short)) + IntPtr.Size - 1) / IntPtr.Size * IntPtr.Size;

    private readonly ZmqSocket?[] _sockets;
    private byte* _items;

    public ZmqPollSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _sockets = new ZmqSocket?[capacity];
        _items = (byte*)NativeMemory.AllocZeroed((nuint)(capacity * Stride));
    }

    public int Count { get; private set; }

    /// <summary>Adds a socket to wait on; returns its index for <see cref="Ready"/>.</summary>
    public int Add(ZmqSocket socket, ZmqPollEvents events)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ObjectDisposedException.ThrowIf(_items is null, this);
        if (Count == _sockets.Length)
        {
            throw new InvalidOperationException($"the poll set is full ({_sockets.Length} items)");
        }
        var index = Count++;
        _sockets[index] = socket; // keeps the socket object (and so its handle) alive while polled
        var item = _items + (index * Stride);
        *(nint*)item = socket.Raw;
        *(short*)(item + EventsOffset) = (short)events;
        return index;
    }

    /// <summary>
    /// Adds a plain file descriptor (a SOCKET on Windows) to wait on, such as a socket's
    /// <see cref="ZmqSocket.Fd"/>: zmq_poll then makes one poll() call for it, without asking the
    /// socket for its events (which costs a system call per socket). ZMQ_FD is edge-triggered:
    /// only drain a socket until EAGAIN before waiting on it again.
    /// </summary>
    public int AddFd(nint fd, ZmqPollEvents events)
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        if (Count == _sockets.Length)
        {
            throw new InvalidOperationException($"the poll set is full ({_sockets.Length} items)");
        }
        var index = Count++;
        var item = _items + (index * Stride);
        *(nint*)item = 0;
        SetFd(index, fd);
        *(short*)(item + EventsOffset) = (short)events;
        return index;
    }

    /// <summary>Points item <paramref name="index"/>, added with <see cref="AddFd"/>, at another descriptor (-1: none, ignored by poll).</summary>
    public void SetFd(int index, nint fd)
    {
        var item = Item(index);
        if (OperatingSystem.IsWindows())
        {
            *(nint*)(item + IntPtr.Size) = fd;
        }
        else
        {
            *(int*)(item + IntPtr.Size) = (int)fd;
        }
    }

    /// <summary>Changes what to wait for on item <paramref name="index"/> (e.g. add Out while a send is pending).</summary>
    public void SetEvents(int index, ZmqPollEvents events) => *(short*)(Item(index) + EventsOffset) = (short)events;

    /// <summary>
    /// Waits until an item is ready or <paramref name="timeoutMs"/> passes (-1: forever; 0: just look).
    /// Returns how many items are ready; 0 on timeout or when a signal interrupted the wait (EINTR).
    /// </summary>
    /// <exception cref="ZmqException">Terminated (the context was shut down: time to close) or a socket was closed.</exception>
    public int Poll(long timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        var ready = ZmqNative.zmq_poll(_items, Count, new CLong(checked((nint)timeoutMs)));
        if (ready >= 0)
        {
            return ready;
        }
        var errno = ZmqErrors.LastErrno();
        return ZmqErrors.Classify(errno) == ZmqError.Interrupted ? 0 : throw new ZmqException("zmq_poll", errno);
    }

    /// <summary>What item <paramref name="index"/> was found ready for by the last <see cref="Poll"/>.</summary>
    public ZmqPollEvents Ready(int index) => (ZmqPollEvents)(*(short*)(Item(index) + EventsOffset + sizeof(short)));

    public bool IsReadable(int index) => (Ready(index) & ZmqPollEvents.In) != 0;

    private byte* Item(int index)
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _items + (index * Stride);
    }

    public void Dispose()
    {
        if (_items is null)
        {
            return;
        }
        NativeMemory.Free(_items);
        _items = null;
        Array.Clear(_sockets);
    }
}
