using System.Diagnostics;
using System.Net.NetworkInformation;
using NetMQ;
using Microsoft.Extensions.Logging;
using NetMQ.Sockets;

namespace Hydra.Transport.NetMQ;

// Closing without a word out of place. When a NetMQ socket closes, every connection still
// attached to it is sent the socket's DisconnectMessage (our internal marker) over the wire.
// So the connections are closed first, by unbinding (which ends the sessions the listeners
// accepted), and the sockets are disposed only once the operating system shows no open TCP
// connection on our ports: a connection that is gone cannot carry the marker. NetMQ reports
// no event for a session ended this way, hence the look at the OS's table.
internal sealed partial class NetMQRouterTransport
{
    private async Task CloseConnectionsAsync()
    {
        var unbound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Post(() =>
        {
            TryUnbind(_main!, _mainEndpoint!);
            TryUnbind(_heartbeat!, _heartbeatEndpoint!);
            unbound.TrySetResult();
        });
        var started = Stopwatch.GetTimestamp();
        try
        {
            await unbound.Task.WaitAsync(StopBudget).ConfigureAwait(false);
            // The poller keeps running meanwhile: ending a session needs the socket's own thread.
            while (HasOpenConnections() && Stopwatch.GetElapsedTime(started) < StopBudget)
            {
                await Task.Delay(5).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            log.LogNotUnbound(StopBudget.TotalSeconds);
        }
    }

    private bool HasOpenConnections()
    {
        var ports = new[] { Port(_mainEndpoint), Port(_heartbeatEndpoint) };
        foreach (var connection in IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections())
        {
            if (connection.State is TcpState.Established or TcpState.CloseWait && Array.IndexOf(ports, connection.LocalEndPoint.Port) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    private static void TryUnbind(RouterSocket socket, string endpoint)
    {
        try
        {
            socket.Unbind(endpoint);
        }
        catch (Exception e) when (e is EndpointNotFoundException or TerminatingException)
        {
            // Nothing left to close.
        }
    }
}
