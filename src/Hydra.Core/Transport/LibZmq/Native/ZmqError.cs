using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// What a failed libzmq call meant, independent of the platform's errno numbers (EAGAIN is
/// 11 on Linux and 35 on macOS). Hot-path calls return one of these instead of throwing;
/// <see cref="None"/> is success.
/// </summary>
internal enum ZmqError
{
    /// <summary>The call succeeded.</summary>
    None = 0,
    /// <summary>EAGAIN: would block. Nothing to receive, or the high-water mark is full (with ZMQ_DONTWAIT, or ROUTER_MANDATORY), or a ZMQ_RCVTIMEO/SNDTIMEO ran out.</summary>
    Again,
    /// <summary>EINTR: a signal interrupted a blocking call; nothing happened, call again. (ZmqSocket's send and receive retry it themselves: .NET's GC suspends threads with signals.)</summary>
    Interrupted,
    /// <summary>ETERM: the context was shut down or terminated; close the socket.</summary>
    Terminated,
    /// <summary>EHOSTUNREACH: a ROUTER with ZMQ_ROUTER_MANDATORY has no peer with that routing id.</summary>
    HostUnreachable,
    /// <summary>EINVAL: a bad option, value, endpoint or property name.</summary>
    InvalidArgument,
    /// <summary>ENOTSOCK: the socket was closed, or never was one.</summary>
    NotSocket,
    /// <summary>EFSM: the call is out of order for the socket type (a REP sending before it received).</summary>
    StateMachine,
    /// <summary>ENOTSUP: the socket type does not do that.</summary>
    NotSupported,
    /// <summary>EPROTONOSUPPORT: unknown or unsupported transport in the endpoint.</summary>
    ProtocolNotSupported,
    /// <summary>EADDRINUSE: the port is taken.</summary>
    AddressInUse,
    /// <summary>EADDRNOTAVAIL: no such local address.</summary>
    AddressNotAvailable,
    /// <summary>ENOENT: unbind/disconnect of an endpoint that is not bound/connected.</summary>
    NoSuchEndpoint,
    /// <summary>EMFILE: out of file descriptors (or the context's socket limit).</summary>
    TooManyOpenFiles,
    /// <summary>EMTHREAD: the context has no I/O thread.</summary>
    NoIoThread,
    /// <summary>EFAULT: not a valid zmq_msg_t (closed twice, or never initialised).</summary>
    InvalidMessage,
    /// <summary>Anything else; see <see cref="ZmqException.Errno"/>.</summary>
    Other,
}

/// <summary>Turns libzmq's errno into a <see cref="ZmqError"/>, with the platform's numbering.</summary>
internal static class ZmqErrors
{
    // libzmq's own codes, the same everywhere (zmq.h: ZMQ_HAUSNUMERO + 51..54).
    private const int Hausnumero = 156384712;
    private const int Efsm = Hausnumero + 51;
    private const int Eterm = Hausnumero + 53;
    private const int Emthread = Hausnumero + 54;

    private static readonly FrozenDictionary<int, ZmqError> Codes = BuildCodes();

    /// <summary>The error of the libzmq call that just failed on this thread.</summary>
    public static ZmqError Last() => Classify(LastErrno());

    /// <summary>errno of the libzmq call that just failed on this thread (captured by its stub; see <see cref="ZmqNative"/>).</summary>
    public static int LastErrno() => OperatingSystem.IsWindows() ? ZmqNative.zmq_errno() : Marshal.GetLastPInvokeError();

    public static ZmqError Classify(int errno) =>
        errno == 0 ? ZmqError.None : Codes.GetValueOrDefault(errno, ZmqError.Other);

    private static FrozenDictionary<int, ZmqError> BuildCodes()
    {
        // The same on every platform libzmq supports.
        var codes = new Dictionary<int, ZmqError>
        {
            [4] = ZmqError.Interrupted,      // EINTR
            [2] = ZmqError.NoSuchEndpoint,   // ENOENT
            [14] = ZmqError.InvalidMessage,  // EFAULT
            [22] = ZmqError.InvalidArgument, // EINVAL
            [24] = ZmqError.TooManyOpenFiles, // EMFILE
            [Efsm] = ZmqError.StateMachine,
            [Eterm] = ZmqError.Terminated,
            [Emthread] = ZmqError.NoIoThread,
        };
        // The socket errors differ: Linux <errno.h>, macOS <sys/errno.h>, and on Windows the
        // POSIX supplement of MSVC's <errno.h> that libzmq is built against.
        (int Again, int HostUnreachable, int NotSocket, int NotSupported, int ProtocolNotSupported, int AddressInUse, int AddressNotAvailable) os =
            OperatingSystem.IsWindows() ? (11, 110, 128, 129, 135, 100, 101)
            : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? (35, 65, 38, 45, 43, 48, 49)
            : (11, 113, 88, 95, 93, 98, 99);
        codes[os.Again] = ZmqError.Again;
        codes[os.HostUnreachable] = ZmqError.HostUnreachable;
        codes[os.NotSocket] = ZmqError.NotSocket;
        codes[os.NotSupported] = ZmqError.NotSupported;
        codes[os.ProtocolNotSupported] = ZmqError.ProtocolNotSupported;
        codes[os.AddressInUse] = ZmqError.AddressInUse;
        codes[os.AddressNotAvailable] = ZmqError.AddressNotAvailable;
        return codes.ToFrozenDictionary();
    }
}
