using Hydra.Protocol;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// Who is behind each TCP connection of a router, so that it can tell the rules when a peer's
/// connection closed. libzmq 4.3.4 as Debian ships it has no "disconnected" message (the draft
/// ZMQ_DISCONNECT_MSG); what it has is a socket monitor whose ACCEPTED and DISCONNECTED events
/// carry the connection's file descriptor, and ZMQ_SRCFD, the same number on every message
/// from that connection. A connection is put on record by its first message (fd → identity)
/// and reported gone by its DISCONNECTED event.
/// </summary>
/// <remarks>
/// The kernel reuses a closed connection's fd number. libzmq writes DISCONNECTED before it
/// closes the fd, and a new connection can only get that number afterwards, so by the time a
/// message arrives from an fd whose record names someone else, the monitor already holds the
/// old connection's DISCONNECTED: the caller reads the monitor before putting a connection on
/// record (<see cref="IsCurrent"/> false). One case stays ambiguous: the same peer reconnecting
/// on the same fd number between two reads of the monitor looks like its old connection, and
/// is reported gone when the old DISCONNECTED is read; its next message puts it back on record.
/// Loop thread only.
/// </remarks>
internal sealed class PeerConnections
{
    private readonly Dictionary<byte[], int>[] _fdOf = [new(ByteArrayComparer.Instance), new(ByteArrayComparer.Instance)]; // by PortKind
    private Record?[] _byFd = new Record?[1024];

    public int Count => _fdOf[0].Count + _fdOf[1].Count;

    /// <summary>The fast path, every message: the connection on <paramref name="fd"/> is on record as <paramref name="identity"/>.</summary>
    public bool IsCurrent(int fd, ReadOnlySpan<byte> identity) =>
        (uint)fd < (uint)_byFd.Length && _byFd[fd] is { } record && record.Identity.AsSpan().SequenceEqual(identity);

    /// <summary>
    /// Puts the connection on <paramref name="fd"/> on record as <paramref name="identity"/>.
    /// Reports (through <paramref name="gone"/>) a record this one makes stale: another name on
    /// the same fd, or the same name on another connection of the same port (libzmq gives a name
    /// to one connection per socket, so that one is closed or handed over).
    /// </summary>
    public void Add(int fd, PortKind port, ReadOnlySpan<byte> identity, Action<PortKind, byte[]> gone)
    {
        if (fd < 0)
        {
            return; // not a TCP connection (inproc): nothing to watch
        }
        if ((uint)fd < (uint)_byFd.Length && _byFd[fd] is not null)
        {
            Remove(fd, gone);
        }
        var byName = _fdOf[(int)port].GetAlternateLookup<ReadOnlySpan<byte>>();
        if (byName.TryGetValue(identity, out var previous))
        {
            Remove(previous, gone);
        }
        if (fd >= _byFd.Length)
        {
            Array.Resize(ref _byFd, Math.Max(fd + 1, _byFd.Length * 2));
        }
        var record = new Record(identity.ToArray(), port);
        _byFd[fd] = record;
        _fdOf[(int)port][record.Identity] = fd;
    }

    /// <summary>The connection on <paramref name="fd"/> closed (the monitor said so): reports who it was, if known.</summary>
    public void Remove(int fd, Action<PortKind, byte[]> gone)
    {
        if ((uint)fd >= (uint)_byFd.Length || _byFd[fd] is not { } record)
        {
            return;
        }
        _byFd[fd] = null;
        _fdOf[(int)record.Port].Remove(record.Identity);
        gone(record.Port, record.Identity);
    }

    private sealed record Record(byte[] Identity, PortKind Port);
}
