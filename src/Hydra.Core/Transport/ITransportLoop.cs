namespace Hydra.Transport;

/// <summary>
/// The one thread that owns a transport's sockets. Everything that touches them runs here:
/// the rules' callbacks, and work other threads hand over through <see cref="Post"/> or an
/// inbound queue. Nothing else may call a transport's loop-thread members.
/// </summary>
internal interface ITransportLoop
{
    /// <summary>True on the loop thread.</summary>
    bool IsCurrentThread { get; }

    /// <summary>Runs <paramref name="work"/> on the loop thread, after work posted before it. For rare work: it costs a delegate.</summary>
    void Post(Action work);

    /// <summary>
    /// A queue whose items reach <paramref name="handler"/> on the loop thread, in order, with no
    /// allocation per item (e.g. frames from other routers, or a peer's outgoing messages).
    /// Create queues before the transport starts.
    /// </summary>
    IInboundQueue<T> CreateInbound<T>(Action<T> handler);

    /// <summary>
    /// Loop thread: runs <paramref name="onReadable"/> on the loop thread whenever <paramref name="socket"/>
    /// (a plain socket, in non-blocking mode) has something to read; the handler reads until it
    /// would block. Dispose the result to stop. For a connection that is best served from the loop
    /// itself, without a thread in between (the cluster's NATS connection).
    /// </summary>
    IDisposable WatchSocket(System.Net.Sockets.Socket socket, Action onReadable);
}

/// <summary>A typed queue into a transport loop; <see cref="Enqueue"/> may be called from any thread.</summary>
internal interface IInboundQueue<in T>
{
    void Enqueue(T item);
}
