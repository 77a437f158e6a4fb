using System.Runtime.InteropServices;
using System.Text;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>One socket event: what happened, its value (an fd for connection events), and the endpoint.</summary>
internal readonly record struct ZmqMonitorEvent(ZmqMonitorEvents Event, int Value, string Endpoint);

/// <summary>
/// Reads a socket's events (zmq_socket_monitor): for a ROUTER, ACCEPTED and DISCONNECTED carry
/// the connection's fd, the same number <see cref="ZmqMsgRef.SourceFd"/> gives for messages
/// from that connection. libzmq 4.3.4 as Debian ships it has no ZMQ_DISCONNECT_MSG (draft), so
/// this is how a router learns that the peer behind a routing id went away.
/// Belongs to the thread that owns the monitored socket; put <see cref="Socket"/> in that
/// thread's poll set and call <see cref="TryRead"/> when it is readable.
/// </summary>
internal sealed unsafe class ZmqMonitor : IDisposable
{
    private static int _next;
    private readonly ZmqSocket _monitored;
    private readonly ZmqMsgBlock _frames = new(2);
    private bool _stopped;

    /// <summary>
    /// Starts monitoring <paramref name="monitored"/> for <paramref name="events"/> and connects
    /// the reader straight away. Call it before the socket binds or connects, so no event is missed.
    /// </summary>
    public ZmqMonitor(ZmqContext context, ZmqSocket monitored, ZmqMonitorEvents events)
    {
        ArgumentNullException.ThrowIfNull(monitored);
        _monitored = monitored;
        Endpoint = $"inproc://hydra.monitor.{Interlocked.Increment(ref _next)}";
        Span<byte> scratch = stackalloc byte[64];
        fixed (byte* endpoint = Utf8Z.Encode(Endpoint, scratch))
        {
            if (ZmqNative.zmq_socket_monitor(monitored.Raw, endpoint, (int)events) != 0)
            {
                throw ZmqException.Last("zmq_socket_monitor");
            }
        }
        try
        {
            Socket = ZmqSocket.Create(context, ZmqSocketType.Pair);
            // libzmq's I/O thread sends events with a blocking send: if this pipe were full (its high-water
            // mark is 1000 by default) or missing, the I/O thread would stall, and every connection of the
            // context with it. An inproc pipe's limit is the sum of both ends' marks, or none if either is 0.
            Socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, 0);
            Socket.Connect(Endpoint);
        }
        catch
        {
            // A monitor without a reader would stall the I/O thread at its first event.
            _ = ZmqNative.zmq_socket_monitor(monitored.Raw, null, 0);
            Socket?.Dispose();
            _frames.Dispose();
            throw;
        }
    }

    /// <summary>The inproc endpoint the events are published on.</summary>
    public string Endpoint { get; }

    /// <summary>The reader, to poll for readability.</summary>
    public ZmqSocket Socket { get; }

    /// <summary>
    /// The next event, waiting up to <paramref name="timeoutMs"/> (0: only what is queued).
    /// An event is two frames: 6 bytes (16-bit event, 32-bit value, native byte order), then the endpoint.
    /// </summary>
    public bool TryRead(out ZmqMonitorEvent monitorEvent, int timeoutMs = 0)
    {
        monitorEvent = default;
        if (timeoutMs != 0 && !WaitReadable(timeoutMs))
        {
            return false;
        }
        var head = _frames[0];
        var endpoint = _frames[1];
        if (Socket.Receive(head, ZmqFlags.DontWait) != ZmqError.None)
        {
            return false;
        }
        // The endpoint frame follows at once: libzmq sends both frames together.
        if (!head.More || Socket.Receive(endpoint, ZmqFlags.None) != ZmqError.None || head.Size != 6)
        {
            throw new InvalidOperationException("malformed monitor event (expected 6 bytes, then the endpoint)");
        }
        var bytes = head.Bytes;
        var kind = MemoryMarshal.Read<ushort>(bytes);     // memcpy'd by libzmq: native byte order, unaligned
        var value = MemoryMarshal.Read<int>(bytes[2..]);
        monitorEvent = new ZmqMonitorEvent((ZmqMonitorEvents)kind, value, Encoding.UTF8.GetString(endpoint.Bytes));
        return true;
    }

    private bool WaitReadable(int timeoutMs)
    {
        using var poll = new ZmqPollSet(1);
        poll.Add(Socket, ZmqPollEvents.In);
        return poll.Poll(timeoutMs) > 0;
    }

    /// <summary>
    /// Stops the monitor, then closes the reader, in that order: closing the reader of a running
    /// monitor leaves the I/O thread blocked forever on its next event (libzmq issue #3575).
    /// </summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        if (!_monitored.IsClosed)
        {
            _ = ZmqNative.zmq_socket_monitor(_monitored.Raw, null, 0);
        }
        Socket.Dispose();
        _frames.Dispose();
    }
}
