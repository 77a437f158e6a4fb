using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// The libzmq functions the router and its peers use, declared as in zmq.h (4.3).
/// Every signature is blittable (pointers, ints, <see cref="nint"/>), so the source-generated
/// stubs call straight through: no marshalling, no allocation, no SafeHandle AddRef per call.
/// Lifetime is handled one level up (<see cref="ZmqContext"/>, <see cref="ZmqSocket"/>,
/// <see cref="ZmqMsgBlock"/>); strings are passed as NUL-terminated UTF-8 <c>byte*</c>.
/// The library is found by <see cref="ZmqLibrary"/>'s resolver (libzmq.so.5 first on Linux).
/// </summary>
/// <remarks>
/// Calls that can fail have <c>SetLastError = true</c>: the stub reads errno the moment the call
/// returns (a few ns per call). Calling zmq_errno afterwards is not safe on .NET: in between, the
/// runtime may JIT, run a class constructor or wait for a GC, any of which can change errno
/// (while writing the tests, an EINVAL came back as 0 once a message was formatted in between).
/// On Windows the stub captures GetLastError instead, which libzmq does not set, so there
/// <see cref="ZmqErrors.LastErrno"/> asks zmq_errno.
/// </remarks>
internal static unsafe partial class ZmqNative
{
    /// <summary>The name the resolver answers for; not a file name.</summary>
    public const string Library = "libzmq";

    // The resolver must be registered before the first call binds: an explicit static
    // constructor runs before any static method of this class, the generated stubs included.
    static ZmqNative() => ZmqLibrary.RegisterResolver();

    // ---- errors and version -------------------------------------------------------------
    // SuppressGCTransition: trivial, non-blocking calls on the hot path (a few ns each
    // instead of a GC-mode switch); never used on anything that can block or call back.

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int zmq_errno();

    [LibraryImport(Library)]
    public static partial byte* zmq_strerror(int errnum);

    [LibraryImport(Library)]
    public static partial void zmq_version(int* major, int* minor, int* patch);

    [LibraryImport(Library)]
    public static partial int zmq_has(byte* capability);

    // ---- context ------------------------------------------------------------------------

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint zmq_ctx_new();

    /// <summary>Blocks until every socket of the context is closed.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_term(nint context);

    /// <summary>Makes blocking calls on the context's sockets (in any thread) return ETERM; does not block.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_shutdown(nint context);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_set(nint context, int option, int value);

    [LibraryImport(Library)]
    public static partial int zmq_ctx_get(nint context, int option);

    // ---- sockets ------------------------------------------------------------------------

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint zmq_socket(nint context, int type);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_close(nint socket);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_setsockopt(nint socket, int option, void* value, nuint length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_getsockopt(nint socket, int option, void* value, nuint* length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_bind(nint socket, byte* endpoint);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_unbind(nint socket, byte* endpoint);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_connect(nint socket, byte* endpoint);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_disconnect(nint socket, byte* endpoint);

    /// <summary>Sends a copy of the bytes; the buffer is free again when the call returns.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_send(nint socket, void* buffer, nuint length, int flags);

    /// <summary>A NULL endpoint stops monitoring (undocumented in 4.3, but what stop_monitor needs).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_socket_monitor(nint socket, byte* endpoint, int events);

    /// <summary>
    /// <c>long</c> timeout: 64 bits on Linux and macOS, 32 on Windows, hence <see cref="CLong"/>.
    /// </summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_poll(void* items, int count, CLong timeoutMs);

    // ---- messages -----------------------------------------------------------------------

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int zmq_msg_init(ZmqMsg* msg);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_init_size(ZmqMsg* msg, nuint size);

    /// <summary>On success libzmq owns the content and leaves <paramref name="msg"/> empty; on failure it stays the caller's.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_send(ZmqMsg* msg, nint socket, int flags);

    /// <summary>Releases <paramref name="msg"/>'s old content, then receives into it.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_recv(ZmqMsg* msg, nint socket, int flags);

    /// <summary>May free memory (or drop a reference), so no SuppressGCTransition.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_close(ZmqMsg* msg);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_move(ZmqMsg* destination, ZmqMsg* source);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_copy(ZmqMsg* destination, ZmqMsg* source);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial void* zmq_msg_data(ZmqMsg* msg);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial nuint zmq_msg_size(ZmqMsg* msg);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial int zmq_msg_more(ZmqMsg* msg);

    /// <summary>ZMQ_SRCFD is a metadata lookup plus atoi: short, never blocks.</summary>
    [LibraryImport(Library), SuppressGCTransition]
    public static partial int zmq_msg_get(ZmqMsg* msg, int property);

    [LibraryImport(Library), SuppressGCTransition]
    public static partial byte* zmq_msg_gets(ZmqMsg* msg, byte* property);

    // ---- CURVE keys (Z85 text is 40 characters plus a NUL) -----------------------------------

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_curve_keypair(byte* z85PublicKey, byte* z85SecretKey);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_curve_public(byte* z85PublicKey, byte* z85SecretKey);

    [LibraryImport(Library)]
    public static partial byte* zmq_z85_encode(byte* destination, byte* data, nuint size);

    [LibraryImport(Library)]
    public static partial byte* zmq_z85_decode(byte* destination, byte* text);

    /// <summary>The NUL-terminated UTF-8 text at <paramref name="text"/>, or null.</summary>
    public static string? Text(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);
}
