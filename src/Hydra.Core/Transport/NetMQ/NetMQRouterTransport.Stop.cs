using NetMQ;
using NetMQ.Monitoring;
using NetMQ.Sockets;

namespace Hydra.Transport.NetMQ;

// Closing without a word out of place. When a NetMQ socket closes, every connection still
// attached to it is sent the socket's DisconnectMessage — our internal marker — over the wire.
// So connections are closed first, by unbinding (which ends the sessions the listener
// accepted), and the sockets are disposed only once the monitors saw them all go.
internal sealed partial class NetMQRouterTransport
{
    private static int _monitors;

    private void Watch(RouterSocket socket)
    {
        var monitor = new NetMQMonitor(socket, $"inproc://hydra-router-monitor-{Interlocked.Increment(ref _monitors)}", SocketEvents.Accepted | SocketEvents.Disconnected);
        monitor.Accepted += (_, _) => _openConnections++;
        monitor.Disconnected += (_, _) => _openConnections--;
        _loop.Attach(monitor);
    }

    private async Task CloseConnectionsAsync()
    {
        var unbound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Post(() =>
        {
            TryUnbind(_main!, _mainEndpoint!);
            TryUnbind(_heartbeat!, _heartbeatEndpoint!);
            unbound.TrySetResult();
        });
        await unbound.Task.WaitAsync(StopBudget).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + StopBudget;
        while (Volatile.Read(ref _openConnections) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
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
