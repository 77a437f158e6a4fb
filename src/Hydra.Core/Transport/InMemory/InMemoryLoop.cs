using System.Collections.Concurrent;

namespace Hydra.Transport.InMemory;

/// <summary>
/// A thread that runs posted work in order: the in-memory transports' loop. Simplicity over
/// speed here (a delegate per item): it exists to test the rules, not to route for real.
/// </summary>
internal sealed class InMemoryLoop(string name) : ITransportLoop
{
    private readonly BlockingCollection<Action> _work = [];
    private Thread? _thread;

    /// <summary>What the work items threw; the loop goes on, and tests assert this stays empty.</summary>
    public ConcurrentQueue<Exception> Faults { get; } = new();

    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    public void Post(Action work)
    {
        try
        {
            _work.Add(work);
        }
        catch (InvalidOperationException)
        {
            // stopped: like a closed socket, nothing more is taken
        }
    }

    public IInboundQueue<T> CreateInbound<T>(Action<T> handler) => new Inbound<T>(this, handler);

    public IDisposable WatchSocket(System.Net.Sockets.Socket socket, Action onReadable) =>
        throw new NotSupportedException("the in-memory loop has no sockets; its cluster is in memory too (InMemoryCluster)");

    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public async Task StopAsync()
    {
        _work.CompleteAdding();
        if (_thread is not null && !IsCurrentThread)
        {
            await Task.Run(() => _thread.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
    }

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                Faults.Enqueue(e);
            }
        }
    }

    private sealed class Inbound<T>(InMemoryLoop loop, Action<T> handler) : IInboundQueue<T>
    {
        public void Enqueue(T item) => loop.Post(() => handler(item));
    }
}
