using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// Keeps the router's connections from using up the process's open-file limit (Linux). libzmq
/// accepts every connection it can; at the limit its accept fails with EMFILE, the listener stays
/// readable, and its I/O thread retries without pause (libzmq 4.3.4's tcp_listener.cpp leaves
/// EMFILE and ENFILE unhandled). Worse, the .NET runtime needs descriptors too: a
/// new thread takes a pipe, and when that fails the runtime stops the process with "Out of
/// memory." (measured: strace shows pipe2 failing with EMFILE just before). So when an accepted
/// connection's descriptor comes within <see cref="Reserve"/> of the limit, the gate closes: a
/// socket filter on both listeners drops incoming SYNs, so no new connection starts (a peer's
/// connect waits and retries; libzmq cannot send it anything, having no socket to send on), while
/// every open connection goes on. It opens again once some connections have closed.
/// </summary>
internal sealed partial class OpenFileGate
{
    private readonly List<int> _listeners = [];
    private int _openConnections;
    private int _closedAt = -1; // open connections when the gate closed; -1 while open

    public OpenFileGate()
    {
        Limit = SoftLimit();
        // Kept free: what libzmq's I/O thread accepts before this loop reads the news and closes
        // the gate (a fast connect flood on a busy machine: hundreds; measured 31 at 160 files),
        // what waits in the listeners' accept queues (backlog + 1 each), and what the runtime
        // needs (a pipe for each new thread, a descriptor for each assembly it loads), the logs'
        // and the cluster's. 20,000 files: 1,024 kept, backlog 100, so about 9,400 peers.
        Reserve = Limit == int.MaxValue ? 0 : Math.Min(1024, Limit / 4);
        Backlog = Limit == int.MaxValue ? 100 : Math.Clamp(((Reserve - 48) / 2) - 1, 1, 100);
    }

    /// <summary>The listeners' backlog (ZMQ_BACKLOG), small enough for <see cref="Reserve"/> to hold what is queued.</summary>
    public int Backlog { get; }

    /// <summary>The soft limit on open files (int.MaxValue: none, or not Linux).</summary>
    public int Limit { get; }

    public int Reserve { get; }

    public bool IsClosed => _closedAt >= 0;

    public int OpenConnections => _openConnections;

    /// <summary>A listener's descriptor, from the monitor's LISTENING event.</summary>
    public void OnListening(int fd)
    {
        _listeners.Add(fd);
        if (IsClosed)
        {
            SetFilter(fd, dropSyns: true);
        }
    }

    /// <summary>A connection accepted on descriptor <paramref name="fd"/>; true when this closed the gate.</summary>
    public bool OnAccepted(int fd)
    {
        _openConnections++;
        return Limit != int.MaxValue && fd >= Limit - Reserve && Close();
    }

    /// <summary>libzmq could not accept (EMFILE or ENFILE: some other use took the descriptors); true when this closed the gate.</summary>
    public bool OnAcceptFailed() => Close();

    /// <summary>A connection closed; true when this opened the gate again.</summary>
    public bool OnDisconnected()
    {
        _openConnections = Math.Max(0, _openConnections - 1);
        if (!IsClosed || _openConnections > _closedAt - Math.Max(2, Reserve / 4))
        {
            return false;
        }
        _closedAt = -1;
        foreach (var fd in _listeners)
        {
            SetFilter(fd, dropSyns: false);
        }
        return true;
    }

    private bool Close()
    {
        if (IsClosed || !OperatingSystem.IsLinux())
        {
            return false;
        }
        _closedAt = _openConnections;
        foreach (var fd in _listeners)
        {
            SetFilter(fd, dropSyns: true);
        }
        return true;
    }

    // Classic BPF on a TCP socket sees the TCP header at offset 0; byte 13 holds the flags. A SYN
    // (a new connection) is dropped, anything else passes: accepted sockets inherit the filter,
    // and an established connection never carries a SYN.
    private static readonly SockFilter[] DropSyns =
    [
        new(0x30, 0, 0, 13),          // ldb [13]
        new(0x45, 0, 1, 0x02),        // jset #SYN, next, skip
        new(0x06, 0, 0, 0),           // ret #0: drop
        new(0x06, 0, 0, uint.MaxValue), // ret #-1: keep all
    ];

    private static unsafe void SetFilter(int fd, bool dropSyns)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        if (!dropSyns)
        {
            var unused = 0; // the kernel wants an int's length even here
            _ = SetSocketOption(fd, SolSocket, SoDetachFilter, &unused, sizeof(int));
            return;
        }
        fixed (SockFilter* code = DropSyns)
        {
            var program = new SockFprog { Length = (ushort)DropSyns.Length, Filter = code };
            _ = SetSocketOption(fd, SolSocket, SoAttachFilter, &program, (uint)sizeof(SockFprog));
        }
    }

    private static int SoftLimit()
    {
        if (!OperatingSystem.IsLinux() || GetLimit(RlimitNofile, out var limit) != 0 || limit.Soft >= int.MaxValue)
        {
            return int.MaxValue;
        }
        return (int)limit.Soft;
    }

    private const int RlimitNofile = 7, SolSocket = 1, SoAttachFilter = 26, SoDetachFilter = 27;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct SockFprog
    {
        public ushort Length;
        public SockFilter* Filter;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setsockopt")]
    private static unsafe partial int SetSocketOption(int fd, int level, int name, void* value, uint length);
}
