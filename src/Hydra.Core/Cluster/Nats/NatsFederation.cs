using Hydra.Cluster.State;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Hydra.Cluster.Nats;

/// <summary>
/// The cluster over NATS core pub/sub (docs/cluster.md): a thin adapter around the state machine.
/// Two subjects per router carry everything (every router's presence, and this router's links);
/// the node's messages are written straight into NATS.Net's buffer, and what arrives is copied
/// once for the routing thread. NATS.Net reconnects by itself; the node is told when the
/// connection comes and goes, and the log says so once per change.
/// </summary>
internal sealed partial class NatsFederation : ClusterFederation
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(10);

    /// <summary>Bytes NATS.Net may hold for us, not yet written, before the node stops sending stream data.</summary>
    private const long MaxBacklogBytes = 2 * 1024 * 1024;

    private readonly NatsConnection _nats;
    private readonly ConnectionLog _connectionLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RawSubscription> _subscriptions = [];
    private readonly PublishWatchers _watchers;
    private Task _connecting = Task.CompletedTask;
    private long _backlogBytes;

    public NatsFederation(ClusterOptions options, TimeProvider time, ILoggerFactory loggerFactory)
        : base(options, time, loggerFactory)
    {
        _connectionLog = new ConnectionLog(Log, options, time);
        _watchers = new PublishWatchers(this);
        _nats = new NatsConnection(new NatsOpts
        {
            Url = string.Join(',', ClusterUrls.Split(options.Urls)),
            Name = $"hydra router {options.RouterId}",
            PingInterval = options.PingInterval,
            MaxPingOut = options.MaxPingsOut,
            // A router starts whether or not NATS is up, and keeps trying; sends answer cluster_unavailable meanwhile.
            RetryOnInitialConnect = true,
            // Room for bursts: with NATS.Net's 64 KB a busy router fills the buffer at once, and every
            // publish then waits for a flush (an allocation and a thread hop each; measured in BENCHMARKS.md).
            WriterBufferSize = 1024 * 1024,
            ReaderBufferSize = 1024 * 1024,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            AuthOpts = options.CredsFile is null ? NatsAuthOpts.Default : new NatsAuthOpts { CredsFile = options.CredsFile },
            LoggerFactory = new QuietLoggerFactory(loggerFactory),
        });
    }

    /// <summary>
    /// Tests and benchmarks: count what NATS.Net's PublishAsync allocates on the routing thread
    /// (<see cref="ClusterFederation.AllocatedByClient"/>), to tell it from what Hydra's own code allocates.
    /// </summary>
    internal static bool MeasureNatsAllocations { get; set; }

    protected override string? Server => IsAvailable && _nats.ServerInfo is { } info ? $"{info.Host}:{info.Port}" : null;

    public override bool IsBackedUp => Interlocked.Read(ref _backlogBytes) > MaxBacklogBytes;

    protected override void StartTransport()
    {
        _nats.ConnectionOpened += (_, _) => OnConnection(open: true);
        _nats.ConnectionDisconnected += (_, _) => OnConnection(open: false);
        _nats.ReconnectFailed += (_, args) =>
        {
            _connectionLog.StillTrying(args.Message);
            return ValueTask.CompletedTask;
        };
        _connecting = ConnectAsync();
    }

    private async Task ConnectAsync()
    {
        _connectionLog.Joining();
        try
        {
            _ = _connectionLog.WarnIfUnreachableAsync(() => IsAvailable, _stopping.Token);
            await _nats.ConnectAsync().AsTask().WaitAsync(_stopping.Token).ConfigureAwait(false);
            // Made once; NATS.Net subscribes them again by itself after every reconnection.
            _subscriptions.Add(new NodeSubscription(_nats, Node.PresenceSubject, this));
            _subscriptions.Add(new NodeSubscription(_nats, Node.LinkSubject, this));
            _subscriptions.Add(new CallbackSubscription(_nats, Tables.RequestSubject, OnClientsRequest));
            _subscriptions.Add(new CallbackSubscription(_nats, Tables.ReplySubject, OnControlMessage));
            foreach (var subscription in _subscriptions)
            {
                await _nats.AddSubAsync(subscription, _stopping.Token).ConfigureAwait(false);
            }
            // A ping round trip: once it is back, the server has every subscription above.
            await _nats.PingAsync(_stopping.Token).ConfigureAwait(false);
            if (_nats.ConnectionState == NatsConnectionState.Open)
            {
                Connected();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping before NATS was reached
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            _connectionLog.CannotJoin(e.Message);
        }
    }

    private ValueTask OnConnection(bool open)
    {
        if (Stopped || _subscriptions.Count == 0)
        {
            return ValueTask.CompletedTask; // the first connection is reported by ConnectAsync, once subscribed
        }
        if (open)
        {
            Connected();
        }
        else
        {
            _connectionLog.Lost();
            ConnectionChanged(false, $"router {RouterId} lost its NATS connection");
        }
        return ValueTask.CompletedTask;
    }

    private void Connected()
    {
        _connectionLog.Connected(_nats.ServerInfo is { } info ? $"{info.Host}:{info.Port}" : null);
        Post(() => Node.MaxPayload = _nats.ServerInfo?.MaxPayload ?? Node.MaxPayload);
        ConnectionChanged(true, "connected");
    }

    protected override async ValueTask StopTransportAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _connecting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            // NATS.Net unsubscribes everything on the way out; on a starved machine a command may time out.
            // Stopping goes on regardless: the server drops this router's subscriptions with its connection.
            await _nats.DisposeAsync().AsTask().WaitAsync(StopBudget).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            _connectionLog.CloseUnclean(e.Message);
        }
        _stopping.Dispose();
    }

    /// <summary>Loop thread: hands the message to NATS.Net, which writes it into its own buffer before returning.</summary>
    public override void Publish(string subject, OutgoingMessage message)
    {
        if (_nats.ConnectionState != NatsConnectionState.Open)
        {
            return; // lost meanwhile: the node hears so next, and what was not confirmed is answered
        }
        var before = MeasureNatsAllocations ? GC.GetAllocatedBytesForCurrentThread() : 0;
        var length = message.Length;
        ValueTask task;
        try
        {
            task = _nats.PublishAsync(subject, message, serializer: MessageSerializer.Instance);
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException)
        {
            return; // as lost in transit: the node sends it again, or answers it when the link goes down
        }
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult(); // releases a pooled task, if one backs it
        }
        else
        {
            // NATS.Net's buffer is full (or it is flushing): the message is copied and waits there.
            Interlocked.Add(ref _backlogBytes, length);
            _watchers.Watch(task, length);
        }
        if (MeasureNatsAllocations)
        {
            AllocatedByClient += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>A publish that waited in NATS.Net has ended (any thread); when the backlog clears, the node sends what waited.</summary>
    private void OnPublished(Exception? failure, int length)
    {
        var backlog = Interlocked.Add(ref _backlogBytes, -length);
        if (failure is not null)
        {
            _connectionLog.PublishFailed(failure.Message); // not lost: unconfirmed, so sent again or answered
        }
        if (backlog <= MaxBacklogBytes && backlog + length > MaxBacklogBytes)
        {
            RequestFlush();
        }
    }
}
