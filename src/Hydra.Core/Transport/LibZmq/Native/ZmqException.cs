namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// A libzmq call failed where failure is not part of normal flow (creating, binding,
/// setting options). The hot path (send, receive, poll) returns <see cref="ZmqError"/> instead.
/// </summary>
internal sealed class ZmqException : Exception
{
    public ZmqException(string operation, int errno)
        : base($"{operation} failed: {Describe(errno)} (errno {errno})")
    {
        Errno = errno;
        Error = ZmqErrors.Classify(errno);
    }

    public ZmqException()
    {
    }

    public ZmqException(string message)
        : base(message)
    {
    }

    public ZmqException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The platform errno libzmq reported.</summary>
    public int Errno { get; }

    public ZmqError Error { get; }

    /// <summary>
    /// The exception for the libzmq call that just failed on this thread. The error is read
    /// before the message is formatted, so <paramref name="argument"/> is formatted only here.
    /// </summary>
    public static ZmqException Last(string operation, object? argument = null)
    {
        var errno = ZmqErrors.LastErrno();
        return new(argument is null ? operation : $"{operation}({argument})", errno);
    }

    /// <summary>libzmq's text for an errno (zmq_strerror knows its own codes as well as the system's).</summary>
    public static unsafe string Describe(int errno) => ZmqNative.Text(ZmqNative.zmq_strerror(errno)) ?? "unknown error";
}
