using Hydra.Routing;
using Hydra.Transport;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Hydra.Cluster;

/// <summary>
/// The other routers of a cluster, over NATS core pub/sub (docs/cluster.md). NATS's interest
/// graph is the directory: this router subscribes one subject per identity it holds, and sends a
/// frame for a target it does not hold to that target's subject, with a reply subject of its own;
/// NATS delivers it to the router that holds the target, or answers "no responders" at once when
/// none does. Frames travel untouched, as the NATS payload, without headers.
/// State is the loop thread's: NATS.Net's reader thread only copies frames into the loop's queue.
/// </summary>
internal sealed partial class NatsFederation : IRouterFederation
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(10);

    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly NatsConnection _nats;
    private readonly ClusterSubjects _subjects;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RawSubscription> _fixedSubscriptions = [];
    private IFederationRules? _rules;
    private ITransportLoop? _loop;
    private IInboundQueue<Inbound>? _inbound;
    private Task _connecting = Task.CompletedTask;
    private int _reportedAvailable = -1; // loop thread: what the rules were last told (-1: nothing yet)
    private bool _joined; // loop thread: connected at least once
    private int _state; // 0 new, 1 started, 2 stopped

    public NatsFederation(ClusterOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        options.Validate();
        _options = options;
        _time = time;
        _log = loggerFactory.CreateLogger("Hydra.Cluster");
        _subjects = new ClusterSubjects(options.Name, options.RouterId);
        _slots = new ReplySlots(_subjects.InboxPrefix, options.ReplySlots);
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

    public string RouterId => _options.RouterId;

    public bool IsAvailable => _nats.ConnectionState == NatsConnectionState.Open;

    /// <summary>Disposing or disposed: nothing more goes to NATS.</summary>
    private bool Stopped => Volatile.Read(ref _state) != 1;

    public void Start(IFederationRules rules, ITransportLoop loop)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("a federation starts once");
        }
        _rules = rules;
        _loop = loop;
        _inbound = loop.CreateInbound<Inbound>(OnInbound);
        _nats.ConnectionOpened += (_, _) => OnConnectionChanged(open: true);
        _nats.ConnectionDisconnected += (_, _) => OnConnectionChanged(open: false);
        _nats.ReconnectFailed += (_, args) =>
        {
            _log.LogDebug("Cannot reach NATS at {Url}; retrying", ClusterUrls.Redacted(args.Message));
            return ValueTask.CompletedTask;
        };
        StartPresence();
        _connecting = ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopPresenceAsync().ConfigureAwait(false);
        await _connecting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            // NATS.Net unsubscribes everything on the way out; on a starved machine a command may time out.
            // Stopping goes on regardless: the server drops this router's subscriptions with its connection.
            await _nats.DisposeAsync().AsTask().WaitAsync(StopBudget).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            _log.LogWarning("Cluster: closing the NATS connection did not finish cleanly ({Reason}); the router stops anyway", e.Message);
        }
        _stopping.Dispose();
    }

    private async Task ConnectAsync()
    {
        var urls = string.Join(", ", ClusterUrls.Split(_options.Urls).Select(ClusterUrls.Redacted));
        _log.LogInformation("Joining cluster {Cluster} as router {Router} over NATS at {Urls}", _options.Name, _options.RouterId, urls);
        try
        {
            _ = WarnIfUnreachableAsync(urls);
            await _nats.ConnectAsync().AsTask().WaitAsync(_stopping.Token).ConfigureAwait(false);
            // Made once; NATS.Net subscribes them again by itself after every reconnection.
            Subscribe(new CallbackSubscription(_nats, _subjects.InboxWildcard, OnInboxMessage));
            Subscribe(new CallbackSubscription(_nats, _subjects.Direct, OnDirectMessage));
            Subscribe(new CallbackSubscription(_nats, _subjects.Claims, OnClaimMessage));
            Subscribe(new CallbackSubscription(_nats, _subjects.Presence, OnPresenceMessage));
            Subscribe(new CallbackSubscription(_nats, _subjects.ClientsRequest, OnClientsRequest));
            Subscribe(new CallbackSubscription(_nats, _subjects.Control, OnControlMessage));
            foreach (var subscription in _fixedSubscriptions)
            {
                await _nats.AddSubAsync(subscription, _stopping.Token).ConfigureAwait(false);
            }
            // A ping round trip: once it is back, the server has every subscription above.
            await _nats.PingAsync(_stopping.Token).ConfigureAwait(false);
            _loop!.Post(() =>
            {
                if (IsAvailable)
                {
                    Report(available: true, "connected"); // if it went again meanwhile, the disconnect event says so
                }
            });
            PublishPresence();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping before NATS was reached
        }
        catch (Exception e)
        {
            _log.LogError(e, "Cannot join cluster {Cluster} over NATS at {Urls}; the router routes its own peers only", _options.Name, urls);
        }

        void Subscribe(RawSubscription subscription) => _fixedSubscriptions.Add(subscription);
    }

    /// <summary>NATS.Net retries the first connection quietly: say so once when it takes long.</summary>
    private async Task WarnIfUnreachableAsync(string urls)
    {
        try
        {
            await Task.Delay(_options.PingInterval * _options.MaxPingsOut, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!IsAvailable)
        {
            _loop!.Post(() => Report(false, $"cannot reach NATS at {urls} yet (still trying)"));
        }
    }

    private ValueTask OnConnectionChanged(bool open)
    {
        if (Volatile.Read(ref _state) == 1)
        {
            _loop!.Post(() => Report(open, open ? "reconnected" : "lost its NATS connection"));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Loop thread: tells the rules (and the log) when the cluster comes and goes; on return, claims again what is held here.</summary>
    private void Report(bool available, string why)
    {
        var now = available ? 1 : 0;
        if (_reportedAvailable == now)
        {
            return;
        }
        var first = available && !_joined;
        _joined |= available;
        _reportedAvailable = now;
        if (available)
        {
            _log.LogInformation("Router {Router} {Joined} cluster {Cluster} (NATS {Url})", _options.RouterId, first ? "joined" : "rejoined",
                _options.Name, ClusterUrls.Redacted(_nats.ServerInfo?.Host is { } host ? $"{host}:{_nats.ServerInfo.Port}" : _options.Urls));
            if (!first)
            {
                ClaimAllAgain();
            }
        }
        else
        {
            _log.LogWarning("Router {Router} {Why}: cluster {Cluster} is unavailable; peers here still reach each other, "
                + "messages to other routers are answered cluster_unavailable until NATS is back", _options.RouterId, why, _options.Name);
        }
        _rules!.OnAvailabilityChanged(available, why);
    }

    /// <summary>Runs <paramref name="task"/> to its end off the caller's path; a failure is logged, never thrown at nobody.</summary>
    private void Observe(ValueTask task, string what)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult();
            return;
        }
        _ = ObserveAsync(task, what);
    }

    private async Task ObserveAsync(ValueTask task, string what)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            _log.LogWarning("Cluster: {What} failed: {Reason}", what, e.Message);
        }
    }
}
