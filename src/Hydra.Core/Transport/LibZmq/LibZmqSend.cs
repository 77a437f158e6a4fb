using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The first frame of a message, sent without waiting, with an honest "full". libzmq can refuse
/// a ZMQ_DONTWAIT send (EAGAIN) well below the high-water mark: the sending socket hears how far
/// its reader got only through commands it processes at most about once a millisecond while
/// sending. So on EAGAIN the socket first processes what is pending (reading ZMQ_EVENTS does
/// that) and the send is tried once more; only a second EAGAIN means the queue is really full.
/// </summary>
internal static class LibZmqSend
{
    public static ZmqError First(ZmqSocket socket, ReadOnlySpan<byte> frame, ZmqFlags flags)
    {
        var error = socket.Send(frame, flags | ZmqFlags.DontWait);
        if (error != ZmqError.Again)
        {
            return error;
        }
        try
        {
            _ = socket.Events; // processes the reader's progress reports
        }
        catch (ZmqException e)
        {
            return e.Error;
        }
        return socket.Send(frame, flags | ZmqFlags.DontWait);
    }

    public static SendResult ToResult(ZmqError error) => error switch
    {
        ZmqError.None => SendResult.Sent,
        ZmqError.Again => SendResult.QueueFull,
        _ => SendResult.UnknownPeer, // EHOSTUNREACH (ROUTER_MANDATORY), or the socket is closing
    };
}
