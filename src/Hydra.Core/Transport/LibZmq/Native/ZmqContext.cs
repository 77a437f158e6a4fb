using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A libzmq context: its I/O threads and the inproc namespace (the ZAP handler lives there).
/// Every <see cref="ZmqSocket"/> holds a reference on it, so zmq_ctx_term (which blocks until
/// all sockets are closed) runs only once the last socket is released.
/// </summary>
internal sealed class ZmqContext : SafeHandle
{
    // CA1419 asks for a constructor the P/Invoke marshaller can call; this handle is never
    // marshalled (the P/Invokes take the raw pointer), and only Create makes a valid one.
#pragma warning disable CA1419
    private ZmqContext()
#pragma warning restore CA1419
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// A new context. <c>ZMQ_BLOCKY</c> is turned off so every socket starts with linger 0:
    /// closing never waits for a peer that is not reading, and neither does terminating.
    /// </summary>
    /// <param name="ioThreads">libzmq's rule of thumb is one per gigabyte per second; 1 suits a router up to ~1M msg/s.</param>
    /// <exception cref="ZmqException">libzmq could not create it.</exception>
    public static ZmqContext Create(int ioThreads = 1)
    {
        var context = new ZmqContext();
        var raw = ZmqNative.zmq_ctx_new();
        if (raw == 0)
        {
            throw ZmqException.Last("zmq_ctx_new");
        }
        context.SetHandle(raw);
        try
        {
            context.Set(ZmqContextOption.Blocky, 0);
            context.Set(ZmqContextOption.IoThreads, ioThreads);
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The raw pointer, for the binding's own calls.</summary>
    internal nint Raw => handle;

    /// <exception cref="ZmqException">Unknown option or bad value.</exception>
    public void Set(ZmqContextOption option, int value)
    {
        if (ZmqNative.zmq_ctx_set(handle, (int)option, value) != 0)
        {
            throw ZmqException.Last("zmq_ctx_set", option);
        }
    }

    public int Get(ZmqContextOption option) => ZmqNative.zmq_ctx_get(handle, (int)option);

    /// <summary>
    /// Makes every blocking call on this context's sockets, in any thread, return
    /// <see cref="ZmqError.Terminated"/>, and every later call too. Does not block: the way to
    /// stop threads that wait in zmq_msg_recv or zmq_poll. They must still close their sockets.
    /// </summary>
    public void Shutdown()
    {
        if (!IsClosed)
        {
            _ = ZmqNative.zmq_ctx_shutdown(handle);
        }
    }

    /// <summary>Shuts down (so threads blocked on its sockets wake with ETERM), then releases.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Shutdown();
        }
        base.Dispose(disposing);
    }

    /// <summary>Runs once the last socket has released its reference.</summary>
    protected override bool ReleaseHandle()
    {
        int rc;
        do
        {
            rc = ZmqNative.zmq_ctx_term(handle);
        }
        while (rc != 0 && ZmqErrors.Last() == ZmqError.Interrupted); // the documented EINTR retry
        return rc == 0;
    }
}
