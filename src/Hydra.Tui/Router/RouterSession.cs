using System.Diagnostics;
using Hydra.Protocol;
using Hydra.Routing;

namespace Hydra.Tui.Router;

/// <summary>
/// The router app's state, kept off the UI thread: it owns the engine, reads its trace into
/// the <see cref="Feed"/>, and samples counters and the client table twice a second. The
/// window reads the latest values on its own timer; nothing here waits for the screen, and
/// nothing on the screen touches a socket.
/// </summary>
internal sealed class RouterSession : IAsyncDisposable
{
    /// <summary>Trace records buffered between the engine and the console reader.</summary>
    public const int TraceCapacity = 4096;

    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private RouterEngine? _engine;
    private Task _reading = Task.CompletedTask;
    private Task _sampling = Task.CompletedTask;
    private RouterOptions _options;
    private RouterState _state = RouterState.NotStarted;
    private string? _failure;
    private RouterTotals? _totals;
    private IReadOnlyList<ClientInfo> _clients = [];

    public RouterSession(RouterOptions options, LogLines? log = null)
    {
        _options = options with { TraceCapacity = options.TraceCapacity > 0 ? options.TraceCapacity : TraceCapacity };
        Log = log ?? new LogLines();
    }

    /// <summary>The options the engine is (or will be) created with.</summary>
    public RouterOptions Options
    {
        get
        {
            lock (_gate)
            {
                return _options;
            }
        }
    }

    /// <summary>Routed messages, as console lines.</summary>
    public MessageFeed Feed { get; } = new();

    /// <summary>The router's log lines, as console lines (owned by whoever passed them in).</summary>
    public LogLines Log { get; }

    public RouterState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the last start failed.</summary>
    public string? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <summary>The bound ports once running (they differ from the options when those were 0).</summary>
    public (int Port, int HeartbeatPort) BoundPorts => _engine is { IsRunning: true } engine ? (engine.Port, engine.HeartbeatPort) : (0, 0);

    /// <summary>The latest counters, or null before the first sample.</summary>
    public RouterTotals? Totals => Volatile.Read(ref _totals);

    /// <summary>The latest client table.</summary>
    public IReadOnlyList<ClientInfo> Clients => Volatile.Read(ref _clients);

    /// <summary>
    /// Binds the ports on a pool thread: those of <paramref name="endpoint"/> if given (the
    /// operator edited them), else those of <see cref="Options"/>. A failure is reported in
    /// <see cref="State"/> and <see cref="Failure"/>, not thrown; Start may then be tried again.
    /// </summary>
    public Task StartAsync(RouterEndpoint? endpoint = null)
    {
        RouterOptions options;
        lock (_gate)
        {
            if (_state is RouterState.Starting or RouterState.Running)
            {
                return Task.CompletedTask;
            }
            if (endpoint is { } at)
            {
                _options = _options with { Address = at.Address, Port = at.Port, HeartbeatPort = at.HeartbeatPort };
            }
            options = _options;
            _state = RouterState.Starting;
            _failure = null;
        }
        return Task.Run(() => StartEngine(options));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_reading, _sampling).ContinueWith(_ => { }, TaskScheduler.Default);
        if (_engine is not null)
        {
            await _engine.StopAsync();
        }
        _stopping.Dispose();
    }

    private void StartEngine(RouterOptions options)
    {
        var engine = new RouterEngine(options);
        try
        {
            engine.StartAsync().GetAwaiter().GetResult();
        }
        catch (HydraException e)
        {
            lock (_gate)
            {
                _state = RouterState.Failed;
                _failure = e.Message;
            }
            return;
        }
        _engine = engine;
        _reading = ReadTraceAsync(engine, _stopping.Token);
        _sampling = SampleAsync(engine, _stopping.Token);
        lock (_gate)
        {
            _state = RouterState.Running;
        }
    }

    private async Task ReadTraceAsync(RouterEngine engine, CancellationToken cancellationToken)
    {
        var trace = engine.Trace!;
        try
        {
            while (await trace.WaitToReadAsync(cancellationToken))
            {
                while (trace.TryRead(out var message))
                {
                    Feed.Add(message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // quitting
        }
    }

    private async Task SampleAsync(RouterEngine engine, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleEvery);
        var rate = new RateMeter();
        try
        {
            do
            {
                var stats = engine.Stats;
                Volatile.Write(ref _totals, new RouterTotals(stats, rate.Sample(stats.Received), engine.TraceSkipped, engine.ClusterStats));
                // In a cluster, the whole cluster's table: remote rows come with their router.
                Volatile.Write(ref _clients, engine.ClusterStats is null
                    ? await engine.GetClientsAsync(cancellationToken)
                    : await engine.GetClusterClientsAsync(cancellationToken));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // quitting
        }
        catch (HydraException)
        {
            // the engine stopped under us: quitting
        }
    }

    /// <summary>Messages per second over roughly the last second.</summary>
    private sealed class RateMeter
    {
        private readonly Queue<(long At, long Count)> _samples = new();

        public double Sample(long count)
        {
            var now = Stopwatch.GetTimestamp();
            _samples.Enqueue((now, count));
            while (_samples.Count > 2 && Stopwatch.GetElapsedTime(_samples.Peek().At, now) > TimeSpan.FromSeconds(1))
            {
                _samples.Dequeue();
            }
            var (at, first) = _samples.Peek();
            var seconds = Stopwatch.GetElapsedTime(at, now).TotalSeconds;
            return seconds <= 0 ? 0 : (count - first) / seconds;
        }
    }
}
