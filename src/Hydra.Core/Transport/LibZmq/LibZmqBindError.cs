using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>Says in words why libzmq could not bind, as <c>NetMQBindError</c> does for NetMQ, so both transports fail alike.</summary>
internal static class LibZmqBindError
{
    private const int Eacces = 13;
    private const int Enodev = 19; // libzmq's answer when a bind address names no interface or host

    public static string Describe(ZmqException e, string host, int port) => (e.Error, e.Errno) switch
    {
        (ZmqError.AddressInUse, _) => $"port {port} is already in use",
        (ZmqError.AddressNotAvailable, _) => $"{host} is not an address of this machine",
        (_, Enodev) or (ZmqError.InvalidArgument, _) => $"'{host}' is not a known host name or address of this machine",
        (_, Eacces) => $"not allowed to use port {port} on {host} (ports below 1024 need privileges)",
        _ => ZmqException.Describe(e.Errno),
    };
}
