using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The connection a received message came from (ZMQ_SRCFD), without asking libzmq for every
/// message: that is a metadata lookup and a strtol, ~8 % of the routing thread. Every message
/// of one connection carries the same metadata object (<see cref="ZmqMsgRef.Connection"/>), so
/// its address keys the descriptor read from an earlier message. A direct-mapped table of fixed
/// size: no allocation, no growth; a collision only costs a real read.
/// </summary>
/// <remarks>
/// After a connection ends, libzmq may give its metadata address to a later one, so a remembered
/// descriptor can be stale. That is safe with <see cref="PeerConnections"/>: a stale descriptor is
/// either not on record under this identity (the caller then asks <see cref="Read"/> and
/// re-records), or still on record for this very peer, which reconnected before the old
/// connection's DISCONNECTED was read: the ambiguity PeerConnections already accepts for a
/// reused descriptor number, resolved the same way by the peer's next message. Loop thread only.
/// </remarks>
internal sealed class SourceFds
{
    private const int Bits = 12;
    private readonly nint[] _connections = new nint[1 << Bits];
    private readonly int[] _fds = new int[1 << Bits];

    /// <summary>The metadata address is read only from the libzmq whose zmq_msg_t layout is known (4.x).</summary>
    private readonly bool _enabled = ZmqLibrary.Version.Major == 4;

    /// <summary>The message's source descriptor, remembered when its connection was seen before.</summary>
    public int Of(ZmqMsgRef msg)
    {
        var connection = _enabled ? msg.Connection : 0;
        if (connection == 0)
        {
            return msg.SourceFd;
        }
        var slot = Slot(connection);
        return _connections[slot] == connection ? _fds[slot] : Remember(slot, connection, msg.SourceFd);
    }

    /// <summary>Asks libzmq (when <see cref="Of"/> named a descriptor not on record), and remembers the answer.</summary>
    public int Read(ZmqMsgRef msg)
    {
        var fd = msg.SourceFd;
        var connection = _enabled ? msg.Connection : 0;
        return connection == 0 ? fd : Remember(Slot(connection), connection, fd);
    }

    private int Remember(int slot, nint connection, int fd)
    {
        _connections[slot] = connection;
        _fds[slot] = fd;
        return fd;
    }

    // Heap addresses are 16-byte aligned: a multiplicative hash spreads them over the table.
    private static int Slot(nint connection) => (int)(((ulong)connection * 0x9E3779B97F4A7C15UL) >> (64 - Bits));
}
