using System.Runtime.InteropServices;
using System.Text;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A libzmq socket. Like every libzmq socket it belongs to one thread at a time: create it,
/// use it and dispose it there (or hand it over with a memory barrier, e.g. a lock or a
/// thread start). The hot-path calls (<see cref="Send(ZmqMsgRef, ZmqFlags)"/>,
/// <see cref="Receive"/>) return a <see cref="ZmqError"/> rather than throw, and use the raw
/// pointer directly: no SafeHandle reference counting per message.
/// </summary>
internal sealed unsafe class ZmqSocket : SafeHandle
{
    private ZmqContext? _context;

    // CA1419 asks for a constructor the P/Invoke marshaller can call; this handle is never
    // marshalled (the P/Invokes take the raw pointer), and only Create makes a valid one.
#pragma warning disable CA1419
    private ZmqSocket()
#pragma warning restore CA1419
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer (for a poll set, or code that calls <see cref="ZmqNative"/> itself).</summary>
    public nint Raw => handle;

    public ZmqSocketType Type { get; private init; }

    /// <exception cref="ZmqException">The context is shut down (ETERM) or out of sockets (EMFILE).</exception>
    public static ZmqSocket Create(ZmqContext context, ZmqSocketType type)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = new ZmqSocket { Type = type };
        var added = false;
        context.DangerousAddRef(ref added); // the context outlives its sockets: zmq_ctx_term waits for them
        var raw = ZmqNative.zmq_socket(context.Raw, (int)type);
        if (raw == 0)
        {
            var error = ZmqException.Last("zmq_socket", type);
            context.DangerousRelease();
            throw error;
        }
        socket._context = context;
        socket.SetHandle(raw);
        return socket;
    }

    // ---- endpoints ----------------------------------------------------------------------

    /// <summary>Binds, e.g. "tcp://127.0.0.1:*" (a free port: read <see cref="LastEndpoint"/>) or "inproc://name".</summary>
    /// <exception cref="ZmqException">Port taken, bad endpoint, …</exception>
    public void Bind(string endpoint) => Endpoint(endpoint, "zmq_bind", &ZmqNative.zmq_bind);

    public void Unbind(string endpoint) => Endpoint(endpoint, "zmq_unbind", &ZmqNative.zmq_unbind);

    /// <summary>Connects (asynchronously for tcp: the connection is made, and remade, in the background).</summary>
    public void Connect(string endpoint) => Endpoint(endpoint, "zmq_connect", &ZmqNative.zmq_connect);

    public void Disconnect(string endpoint) => Endpoint(endpoint, "zmq_disconnect", &ZmqNative.zmq_disconnect);

    /// <summary>The endpoint last bound or connected, with the actual port after a "*" bind.</summary>
    public string LastEndpoint => GetString(ZmqSocketOption.LastEndpoint);

    /// <summary>Binds to a free tcp port on <paramref name="host"/> and returns the port.</summary>
    public int BindRandomPort(string host)
    {
        Bind($"tcp://{host}:*");
        var endpoint = LastEndpoint;
        return int.Parse(endpoint.AsSpan(endpoint.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture);
    }

    // ---- options ------------------------------------------------------------------------

    /// <exception cref="ZmqException">Unknown option, wrong type or value for it.</exception>
    public void SetOption(ZmqSocketOption option, int value) => SetOption(option, &value, sizeof(int));

    /// <summary>For the int64 options (ZMQ_MAXMSGSIZE).</summary>
    public void SetOption(ZmqSocketOption option, long value) => SetOption(option, &value, sizeof(long));

    public void SetOption(ZmqSocketOption option, bool value) => SetOption(option, value ? 1 : 0);

    /// <summary>Binary options: ZMQ_ROUTING_ID, 32-byte CURVE keys.</summary>
    public void SetOption(ZmqSocketOption option, ReadOnlySpan<byte> value)
    {
        fixed (byte* bytes = value)
        {
            SetOption(option, bytes, value.Length);
        }
    }

    /// <summary>Text options, as UTF-8 without a terminator: ZMQ_ZAP_DOMAIN, 40-character Z85 CURVE keys.</summary>
    public void SetOption(ZmqSocketOption option, string value) => SetOption(option, Encoding.UTF8.GetBytes(value));

    public int GetInt(ZmqSocketOption option)
    {
        int value;
        GetOption(option, &value, sizeof(int));
        return value;
    }

    /// <summary>For the int64 options (ZMQ_MAXMSGSIZE).</summary>
    public long GetLong(ZmqSocketOption option)
    {
        long value;
        GetOption(option, &value, sizeof(long));
        return value;
    }

    public byte[] GetBytes(ZmqSocketOption option, int capacity = 256)
    {
        var buffer = new byte[capacity];
        fixed (byte* bytes = buffer)
        {
            return buffer[..GetOption(option, bytes, capacity)];
        }
    }

    /// <summary>Text options (ZMQ_LAST_ENDPOINT, ZMQ_ZAP_DOMAIN); libzmq includes the NUL, which is dropped.</summary>
    public string GetString(ZmqSocketOption option)
    {
        var bytes = GetBytes(option);
        var end = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    /// <summary>
    /// ZMQ_FD, for an external event loop: becomes readable when <see cref="Events"/> may have
    /// changed (edge-triggered: read Events until it no longer shows In). A SOCKET on Windows.
    /// </summary>
    public nint Fd
    {
        get
        {
            if (!OperatingSystem.IsWindows())
            {
                return GetInt(ZmqSocketOption.Fd);
            }
            nint fd;
            GetOption(ZmqSocketOption.Fd, &fd, sizeof(nint));
            return fd;
        }
    }

    /// <summary>ZMQ_EVENTS: what the socket can do right now (also re-arms the edge-triggered ZMQ_FD).</summary>
    public ZmqPollEvents Events => (ZmqPollEvents)GetInt(ZmqSocketOption.Events);

    // ---- messages (hot path) -------------------------------------------------------------
    // EINTR is retried here: on .NET it is routine, not a request to stop (the runtime suspends
    // threads for GC with signals, which interrupt a blocking zmq_msg_recv; seen in the tests).
    // Stop a blocked thread with ZmqContext.Shutdown, which gives Terminated.

    /// <summary>
    /// Sends <paramref name="msg"/>. On success libzmq owns the content and the message is left
    /// empty (zero-copy: a received body can be sent on as it is). On failure it is untouched
    /// and still the caller's: retry it, or close it.
    /// </summary>
    public ZmqError Send(ZmqMsgRef msg, ZmqFlags flags)
    {
        while (ZmqNative.zmq_msg_send(msg.Pointer, handle, (int)flags) < 0)
        {
            if (ZmqErrors.Last() is var error and not ZmqError.Interrupted)
            {
                return error;
            }
        }
        return ZmqError.None;
    }

    /// <summary>Sends a copy of <paramref name="bytes"/> (for small frames such as a routing id, the copy is the cheapest way).</summary>
    public ZmqError Send(ReadOnlySpan<byte> bytes, ZmqFlags flags)
    {
        fixed (byte* data = bytes)
        {
            while (ZmqNative.zmq_send(handle, data, (nuint)bytes.Length, (int)flags) < 0)
            {
                if (ZmqErrors.Last() is var error and not ZmqError.Interrupted)
                {
                    return error;
                }
            }
            return ZmqError.None;
        }
    }

    /// <summary>Receives one frame into <paramref name="msg"/> (which must be initialised; its old content is released first). Check <see cref="ZmqMsgRef.More"/> for the next.</summary>
    public ZmqError Receive(ZmqMsgRef msg, ZmqFlags flags)
    {
        while (ZmqNative.zmq_msg_recv(msg.Pointer, handle, (int)flags) < 0)
        {
            if (ZmqErrors.Last() is var error and not ZmqError.Interrupted)
            {
                return error;
            }
        }
        return ZmqError.None;
    }

    // ---- internals --------------------------------------------------------------------

    private void SetOption(ZmqSocketOption option, void* value, int length)
    {
        if (ZmqNative.zmq_setsockopt(handle, (int)option, value, (nuint)length) != 0)
        {
            throw ZmqException.Last("zmq_setsockopt", option);
        }
    }

    private int GetOption(ZmqSocketOption option, void* value, int capacity)
    {
        var length = (nuint)capacity;
        if (ZmqNative.zmq_getsockopt(handle, (int)option, value, &length) != 0)
        {
            throw ZmqException.Last("zmq_getsockopt", option);
        }
        return (int)length;
    }

    private void Endpoint(string endpoint, string operation, delegate*<nint, byte*, int> call)
    {
        Span<byte> scratch = stackalloc byte[256];
        fixed (byte* text = Utf8Z.Encode(endpoint, scratch))
        {
            if (call(handle, text) != 0)
            {
                throw ZmqException.Last(operation, endpoint);
            }
        }
    }

    /// <summary>zmq_close: pending messages are dropped after ZMQ_LINGER (0 with our contexts); then the context reference is released.</summary>
    protected override bool ReleaseHandle()
    {
        var closed = ZmqNative.zmq_close(handle) == 0;
        _context?.DangerousRelease();
        _context = null;
        return closed;
    }
}
