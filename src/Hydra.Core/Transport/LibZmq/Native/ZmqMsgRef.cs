using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A <see cref="ZmqMsg"/> that stays put (in a <see cref="ZmqMsgBlock"/> or on the stack),
/// with the zmq_msg_* operations. Copying this struct copies the pointer, never the message.
/// Lifecycle: <see cref="Init"/> once; receive into it as often as you like (zmq_msg_recv
/// releases the previous content first); a successful send leaves it empty; close it when done.
/// The spans it hands out point into libzmq's memory and are valid until the message is next
/// received into, sent, moved or closed.
/// </summary>
internal readonly unsafe struct ZmqMsgRef
{
    // NUL-terminated names for zmq_msg_gets (u8 literals are NUL-terminated too, but say it).
    private static ReadOnlySpan<byte> UserIdName => "User-Id\0"u8;
    private static ReadOnlySpan<byte> PeerAddressName => "Peer-Address\0"u8;

    public ZmqMsgRef(ZmqMsg* msg) => Pointer = msg;

    public ZmqMsg* Pointer { get; }

    /// <summary>An empty message (no allocation).</summary>
    public void Init() => _ = ZmqNative.zmq_msg_init(Pointer);

    /// <summary>A message of <paramref name="size"/> bytes to fill through <see cref="Data"/> (no allocation up to 33 bytes).</summary>
    /// <exception cref="ZmqException">Out of memory.</exception>
    public void InitSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (ZmqNative.zmq_msg_init_size(Pointer, (nuint)size) != 0)
        {
            throw ZmqException.Last("zmq_msg_init_size");
        }
    }

    /// <summary>A message holding a copy of <paramref name="bytes"/>.</summary>
    public void InitCopy(ReadOnlySpan<byte> bytes)
    {
        InitSize(bytes.Length);
        bytes.CopyTo(Data);
    }

    /// <summary>
    /// Releases the content (or drops this message's reference to shared content). Harmless
    /// after a successful send or a previous close (libzmq answers EFAULT and does nothing).
    /// </summary>
    public void Close() => _ = ZmqNative.zmq_msg_close(Pointer);

    public int Size => (int)ZmqNative.zmq_msg_size(Pointer);

    /// <summary>The content, read-only: a received message's content may be shared with copies.</summary>
    public ReadOnlySpan<byte> Bytes => new(ZmqNative.zmq_msg_data(Pointer), Size);

    /// <summary>The content, writable: only for a message this code built with <see cref="InitSize"/>.</summary>
    public Span<byte> Data => new(ZmqNative.zmq_msg_data(Pointer), Size);

    /// <summary>More frames of the same message follow this one.</summary>
    public bool More => ZmqNative.zmq_msg_more(Pointer) == 1;

    /// <summary>Whether the content is shared with another message (after <see cref="CopyFrom"/>).</summary>
    public bool IsShared => ZmqNative.zmq_msg_get(Pointer, (int)ZmqMsgProperty.Shared) == 1;

    /// <summary>
    /// The file descriptor of the connection this message arrived on, or -1 (inproc, or a message
    /// this process built). Matches the value of the monitor's ACCEPTED and DISCONNECTED events
    /// for that connection: how a router learns that the peer behind a routing id went away.
    /// </summary>
    public int SourceFd => ZmqNative.zmq_msg_get(Pointer, (int)ZmqMsgProperty.SourceFd);

    /// <summary>
    /// The address of the metadata libzmq attached to a received message, or 0 (none: inproc, or a
    /// message this process built). All messages of one connection share that object, so it tells
    /// connections apart without a call; it is only compared, never followed. It is the first field
    /// of every variant of zmq_msg_t in libzmq 4.x (msg.hpp), the only layout read here.
    /// </summary>
    public nint Connection => *(nint*)Pointer;

    /// <summary>The user id the ZAP handler gave this connection (empty without ZAP).</summary>
    public ReadOnlySpan<byte> UserId => Property(UserIdName);

    /// <summary>The peer's IP address (tcp), without the port.</summary>
    public ReadOnlySpan<byte> PeerAddress => Property(PeerAddressName);

    /// <summary>
    /// A metadata property of the connection (zmq_msg_gets): "User-Id", "Peer-Address",
    /// "Socket-Type", "Routing-Id", or one the ZAP handler added; empty when absent.
    /// </summary>
    /// <param name="nameZ">The name as UTF-8 ending in a NUL byte.</param>
    public ReadOnlySpan<byte> Property(ReadOnlySpan<byte> nameZ)
    {
        if (nameZ.IsEmpty || nameZ[^1] != 0)
        {
            throw new ArgumentException("the property name must end with a NUL byte", nameof(nameZ));
        }
        fixed (byte* name = nameZ)
        {
            var value = ZmqNative.zmq_msg_gets(Pointer, name);
            return value is null ? default : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(value);
        }
    }

    /// <summary>Makes this message share <paramref name="source"/>'s content (a reference count, not a byte copy); this message's old content is released.</summary>
    public void CopyFrom(ZmqMsgRef source)
    {
        if (ZmqNative.zmq_msg_copy(Pointer, source.Pointer) != 0)
        {
            throw ZmqException.Last("zmq_msg_copy");
        }
    }

    /// <summary>Moves <paramref name="source"/>'s content here, leaving it empty; this message's old content is released.</summary>
    public void MoveFrom(ZmqMsgRef source)
    {
        if (ZmqNative.zmq_msg_move(Pointer, source.Pointer) != 0)
        {
            throw ZmqException.Last("zmq_msg_move");
        }
    }
}
