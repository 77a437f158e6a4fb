using System.Net.Sockets;
using NetMQ;

namespace Hydra.Transport.NetMQ;

/// <summary>Says in words why NetMQ could not bind or connect, instead of "Exception of type 'NetMQ.…' was thrown".</summary>
internal static class NetMQBindError
{
    public static bool IsBindError(Exception e) => e is NetMQException or SocketException or ArgumentException;

    public static string Describe(Exception e, string host, int port)
    {
        var socketError = (e as SocketException ?? e.InnerException as SocketException)?.SocketErrorCode;
        return (e, socketError) switch
        {
            (AddressAlreadyInUseException, _) or (_, SocketError.AddressAlreadyInUse) => $"port {port} is already in use",
            (_, SocketError.AddressNotAvailable) => $"{host} is not an address of this machine",
            (_, SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData) => $"'{host}' is not a known host name or address",
            (_, SocketError.AccessDenied) => $"not allowed to use port {port} on {host} (ports below 1024 need privileges)",
            (ArgumentOutOfRangeException, _) => $"port {port} is out of range (0–65535)",
            _ => (e.InnerException ?? e).Message,
        };
    }
}
