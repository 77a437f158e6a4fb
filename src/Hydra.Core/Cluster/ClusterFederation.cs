using System.Buffers;
using Hydra.Cluster.State;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster;

/// <summary>
/// The seam the routing rules talk to (<see cref="IRouterFederation"/>), around the cluster's state
/// machine (<see cref="ClusterNode"/>): it runs the node on the routing thread, hands it what
/// arrives, ticks its clock, and flushes it once the thread has handled what it had. What carries
/// the messages between routers is the subclass's: NATS (<see cref="Nats.NatsFederation"/>), or
/// memory (<see cref="InMemory.InMemoryFederation"/>).
/// </summary>
internal abstract class ClusterFederation : IRouterFederation, IClusterOutput
{
    private readonly Action _tick;
    private readonly Action _flush;
    private IFederationRules? _rules;
    private IInboundQueue<Received>? _inbound;
    private ITimer? _ticker;
    private volatile ClusterStats _stats;
    private volatile bool _connected; // what the transport said last: the node hears it a moment later, on the loop thread
    private int _flushPosted;
    private long _inboundBytes;
    private long _inboundRefused;
    private int _state; // 0 new, 1 started, 2 stopped

    protected ClusterFederation(ClusterOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        options.Validate();
        Options = options;
        Time = time;
        Log = loggerFactory.CreateLogger("Hydra.Cluster");
        Node = new ClusterNode(options, time, this, Log);
        Tables = new ClientTables(options, time);
        _stats = ClusterStats.Empty(options.RouterId);
        _tick = Tick;
        _flush = Flush;
    }

    protected ClusterOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Log { get; }

    /// <summary>The state machine; touch it on the loop thread only.</summary>
    protected ClusterNode Node { get; }

    protected ITransportLoop? Loop { get; private set; }

    /// <summary>The cluster-wide <c>clients</c>: asking every router, and answering them.</summary>
    protected ClientTables Tables { get; }

    /// <summary>Disposing or disposed: nothing more goes out.</summary>
    protected bool Stopped => Volatile.Read(ref _state) != 1;

    public string RouterId => Options.RouterId;

    public bool IsAvailable => _connected;

    /// <summary>Link states as of the last tick; counters as of now.</summary>
    public ClusterStats Stats => Node.WithCounters(_stats, _connected);

    /// <summary>Loop thread: bytes the client under it allocated on the routing thread, while measured.</summary>
    public long AllocatedByClient { get; protected set; }

    /// <summary>The server this router is connected to, for stats (null when none, or not known).</summary>
    protected virtual string? Server => null;

    public void Start(IFederationRules rules, ITransportLoop loop)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a federation starts once");
        }
        _rules = rules;
        Loop = loop;
        _inbound = loop.CreateInbound<Received>(OnReceived);
        _ticker = Time.CreateTimer(_ => Post(_tick), null, Options.TickInterval, Options.TickInterval);
        StartTransport();
    }

    /// <summary>Connects (in the background: a cluster that cannot be reached yet is not an error) and subscribes the node's subjects.</summary>
    protected abstract void StartTransport();

    /// <summary>Closes the connection, after the node's goodbye went out.</summary>
    protected abstract ValueTask StopTransportAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        if (_ticker is not null)
        {
            await _ticker.DisposeAsync().ConfigureAwait(false);
        }
        await OnLoopAsync(() =>
        {
            Node.Stop();
            Node.Flush();
            AfterFlush();
        }).ConfigureAwait(false);
        await StopTransportAsync().ConfigureAwait(false);
    }

    // The routing rules' calls (loop thread).

    public NameHold Claim(ReadOnlySpan<byte> identity, string? key) => Node.Claim(identity, key);

    public void Release(NameHold hold) => Node.Release(hold);

    public FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, out string? problem) => Node.Send(target, frame, out problem);

    public void Refuse(object origin, ReadOnlySpan<byte> frame, HydraErrorCode code, string detail) => Node.Refuse((Link)origin, frame, code, detail);

    public abstract Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default);

    /// <summary>This router's client table, for another router's <c>clients</c> (loop thread).</summary>
    protected IReadOnlyList<ClientInfo> LocalClients() => _rules!.LocalClients();

    /// <summary>Tests: returns once the loop thread has handled everything that came, and sent everything it had to send.</summary>
    internal async Task QuiesceAsync()
    {
        for (var round = 0; round < 1000; round++)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(() => done.TrySetResult(Volatile.Read(ref _flushPosted) == 0 && Interlocked.Read(ref _inboundBytes) == 0));
            if (await done.Task.ConfigureAwait(false))
            {
                return;
            }
        }
        throw new TimeoutException("the cluster's loop did not quiesce");
    }

    /// <summary>This router's client table, from any thread.</summary>
    internal Task<IReadOnlyList<ClientInfo>> LocalClientsAsync()
    {
        var done = new TaskCompletionSource<IReadOnlyList<ClientInfo>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => done.TrySetResult(LocalClients()));
        return done.Task;
    }

    /// <summary>The routers up now (any thread): those a <c>clients</c> waits for.</summary>
    protected IReadOnlyList<string> RoutersUp() =>
        [.. _stats.Links.Where(link => link.State == ClusterLinkState.Up).Select(link => link.Router)];

    /// <summary>A cluster-wide <c>clients</c> over NATS: asks with <paramref name="publish"/> (subject, reply subject, bytes) and gathers the routers up.</summary>
    protected Task<ClusterClients> GatherOverNatsAsync(Func<string, string, byte[], Task> publish, CancellationToken cancellationToken) =>
        IsAvailable
            ? Tables.GatherAsync(RoutersUp(), publish, cancellationToken)
            : Task.FromResult(new ClusterClients([], ["(the cluster: NATS is unreachable)"]));

    // What the transport hands in (any thread).

    /// <summary>A message on one of the node's subjects: copied for the loop thread, or, past <see cref="ClusterOptions.MaxInboundBytes"/>, not taken (it is sent again).</summary>
    protected void Receive(in ReadOnlySequence<byte> payload)
    {
        var length = (int)payload.Length;
        if (Interlocked.Add(ref _inboundBytes, length) > Options.MaxInboundBytes)
        {
            Interlocked.Add(ref _inboundBytes, -length);
            Interlocked.Increment(ref _inboundRefused);
            return; // not confirmed, so its router sends it again later
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        payload.CopyTo(buffer);
        _inbound!.Enqueue(new Received(buffer, length));
    }

    /// <summary>This router's connection to the others came up or went down (any thread; on the loop thread, the node hears it at once).</summary>
    protected void ConnectionChanged(bool connected, string why)
    {
        _connected = connected;
        if (Loop?.IsCurrentThread == true)
        {
            Node.ConnectionChanged(connected, why);
            return;
        }
        Post(() => Node.ConnectionChanged(connected, why));
    }

    /// <summary>Loop thread, after the node flushed: where a transport that buffers its writes sends them.</summary>
    protected virtual void AfterFlush()
    {
    }

    /// <summary>Loop thread, after the node's tick: keep-alives, and sending what the tick wrote.</summary>
    protected virtual void AfterTick()
    {
    }

    // IClusterOutput (loop thread).

    public abstract void Publish(string subject, OutgoingMessage message);

    public abstract bool IsBackedUp { get; }

    public void RequestFlush()
    {
        if (Interlocked.Exchange(ref _flushPosted, 1) == 0)
        {
            Post(_flush);
        }
    }

    public void Deliver(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, Link origin) => _rules!.OnRemoteFrame(target, frame, origin);

    public void Refused(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail) => _rules!.OnRemoteRefusal(sender, id, code, detail);

    public void Taken(NameHold hold, string router) => _rules!.OnIdentityTaken(hold.Identity, router);

    public void Bound(string identity, string key) => _rules!.OnBinding(identity, key);

    private void OnReceived(Received item)
    {
        try
        {
            Node.OnMessage(item.Buffer.AsSpan(0, item.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
            Interlocked.Add(ref _inboundBytes, -item.Length);
        }
    }

    private void Tick()
    {
        Node.Tick();
        AfterTick();
        _stats = Node.Stats(Server);
    }

    private void Flush()
    {
        Volatile.Write(ref _flushPosted, 0);
        Node.Flush();
        AfterFlush();
    }

    protected void Post(Action work)
    {
        try
        {
            Loop?.Post(work);
        }
        catch (ObjectDisposedException)
        {
            // the router stopped meanwhile
        }
    }

    private Task OnLoopAsync(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                work();
            }
            finally
            {
                done.TrySetResult();
            }
        });
        return done.Task.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private readonly record struct Received(byte[] Buffer, int Length);
}
