using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hydra.Transport.NetMQ;

/// <summary>
/// NetMQ closes a disposed socket's listener later, on its own I/O thread. Waiting (briefly)
/// until the ports can be bound again lets a router be restarted on the same ports at once.
/// </summary>
internal static class PortRelease
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static async Task WaitAsync(string address, params int[] ports)
    {
        var ip = address == "*" ? IPAddress.Any : IPAddress.TryParse(address, out var parsed) ? parsed : null;
        if (ip is null)
        {
            return; // a host or interface name: nothing cheap to probe
        }
        var started = Stopwatch.GetTimestamp();
        foreach (var port in ports)
        {
            while (!CanBind(ip, port) && Stopwatch.GetElapsedTime(started) < Budget)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
    }

    private static bool CanBind(IPAddress ip, int port)
    {
        using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(ip, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
