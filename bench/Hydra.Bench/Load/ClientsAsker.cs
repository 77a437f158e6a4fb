using System.Text;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Load;

/// <summary>
/// A peer that asks the router for its client table in a loop (one request in flight, the next
/// as soon as the answer came) on a thread of its own, while a throughput run goes on.
/// </summary>
internal sealed class ClientsAsker(int port) : IDisposable
{
    private const string Identity = "clients-asker";
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private long _requests, _pages, _busy;

    public void Start()
    {
        _thread = new Thread(Run) { Name = "clients asker", IsBackground = true };
        _thread.Start();
    }

    public (long Requests, long Pages, long Busy) Stop()
    {
        _stop.Cancel();
        _thread?.Join();
        return (_requests, _pages, _busy);
    }

    public void Dispose() => _stop.Dispose();

    private void Run()
    {
        using var socket = Sockets.Dealer(Identity, port);
        var request = Encoding.UTF8.GetBytes($$"""{"sender":"{{Identity}}","target":"HydraRouter","method":"clients","payload":{},"protocol_version":1}""");
        while (!_stop.IsCancellationRequested)
        {
            socket.SendFrame(request);
            _requests++;
            if (socket.TryReceiveFrameBytes(TimeSpan.FromSeconds(5), out var answer))
            {
                if (answer.AsSpan().IndexOf("\"method\":\"clients\""u8) >= 0)
                {
                    _pages++;
                }
                else
                {
                    _busy++;
                }
            }
        }
    }
}
