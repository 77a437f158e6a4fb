using Hydra.Cluster.Nats;
using Hydra.Cluster.State;
using Hydra.Routing;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.Direct;

/// <summary>
/// The cluster over a NATS connection of the router's own, served from its routing thread: the
/// socket sits in the loop's poll beside the ZeroMQ sockets, what arrives goes to the state
/// machine where it is read, and what the machine sends is written into the socket at the end of
/// the turn. No thread sits between NATS and the routing rules, in either direction: through
/// NATS.Net (<see cref="NatsFederation"/>, for TLS, websockets and NATS credentials) each crossing
/// costs a hand-over to its writer task and two to its reader (BENCHMARKS.md). Plain nats://
/// URLs, with a user and password or a token in them.
/// </summary>
internal sealed partial class DirectFederation : ClusterFederation, INatsReceiver
{
    private const int PresenceSid = 1;
    private const int LinkSid = 2;
    private const int RequestSid = 3;
    private const int AnswerSid = 4;

    /// <summary>Bytes written and not yet taken by the socket, before the node stops sending stream data.</summary>
    private const int MaxBacklogBytes = 2 * 1024 * 1024;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly ConnectionLog _connectionLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Uri> _servers;
    private readonly string _name;
    private Task _connecting = Task.CompletedTask;
    private NatsSession? _session; // loop thread
    private IDisposable? _watch;   // loop thread
    private long _lastPing;        // loop thread
    private int _nextServer;
    private volatile string? _server;

    public DirectFederation(ClusterOptions options, TimeProvider time, ILoggerFactory loggerFactory)
        : base(options, time, loggerFactory)
    {
        _connectionLog = new ConnectionLog(Log, options, time);
        _servers = [.. ClusterUrls.Split(options.Urls).Select(url => new Uri(url))];
        _name = $"hydra router {options.RouterId}";
    }

    /// <summary>Whether these options can be served by a connection of the router's own: plain nats:// only, no NATS credentials file.</summary>
    public static bool Serves(ClusterOptions options) =>
        options.CredsFile is null && ClusterUrls.Split(options.Urls).All(url => url.StartsWith("nats://", StringComparison.OrdinalIgnoreCase));

    protected override string? Server => _server;

    public override bool IsBackedUp => _session is { Pending: > MaxBacklogBytes };

    protected override void StartTransport()
    {
        _connectionLog.Joining();
        _ = _connectionLog.WarnIfUnreachableAsync(() => IsAvailable, _stopping.Token);
        _connecting = ConnectAsync(first: true);
    }

    /// <summary>Off the loop thread: tries the servers in turn, waiting longer each round, until one takes the connection; then hands it to the loop.</summary>
    private async Task ConnectAsync(bool first)
    {
        var wait = first ? TimeSpan.Zero : TimeSpan.FromMilliseconds(250);
        while (!_stopping.IsCancellationRequested)
        {
            var url = _servers[_nextServer++ % _servers.Count];
            try
            {
                var connection = await NatsConnector.ConnectAsync(url, _name, ConnectTimeout, _stopping.Token).ConfigureAwait(false);
                Post(() => Attach(connection));
                return;
            }
            catch (NatsConnectException e)
            {
                _connectionLog.StillTrying($"{ClusterUrls.Redacted(url.ToString())}: {e.Message}");
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            if (_nextServer % _servers.Count == 0)
            {
                try
                {
                    await Task.Delay(wait, Time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                wait = TimeSpan.FromTicks(Math.Clamp(wait.Ticks * 2, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>Loop thread: the connection is up; subscribe, and tell the node.</summary>
    private void Attach(NatsConnection connection)
    {
        if (Stopped)
        {
            connection.Socket.Dispose();
            return;
        }
        _session = new NatsSession(connection.Socket, this, connection.AlreadyRead);
        _watch = Loop!.WatchSocket(connection.Socket, OnReadable);
        _session.Subscribe(Node.PresenceSubject, PresenceSid);
        _session.Subscribe(Node.LinkSubject, LinkSid);
        _session.Subscribe(Tables.RequestSubject, RequestSid);
        _session.Subscribe(Tables.ReplySubject, AnswerSid);
        _lastPing = Time.GetTimestamp();
        if (connection.Info.MaxPayload > 0)
        {
            Node.MaxPayload = connection.Info.MaxPayload;
        }
        Learn(connection.Info);
        _server = connection.Server;
        _connectionLog.Connected(connection.Server);
        ConnectionChanged(true, "connected");
        SendOrDrop();
    }

    /// <summary>Loop thread: the connection is gone; tell the node, and start over.</summary>
    private void Drop(string why)
    {
        if (_session is null)
        {
            return;
        }
        _watch?.Dispose();
        _session.Dispose();
        (_session, _watch, _server) = (null, null, null);
        _connectionLog.Lost(why);
        ConnectionChanged(false, $"router {RouterId} lost its NATS connection ({why})");
        if (!Stopped)
        {
            _connecting = ConnectAsync(first: false);
        }
    }

    private void OnReadable()
    {
        if (_session is { } session && !session.Read())
        {
            Drop(session.Failed!);
            return;
        }
        SendOrDrop();
    }

    private void SendOrDrop()
    {
        if (_session is { } session && !session.Send())
        {
            Drop(session.Failed!);
        }
    }

    public override void Publish(string subject, OutgoingMessage message)
    {
        if (_session is not { } session)
        {
            return; // the node hears of the loss next, and sends again what was not confirmed
        }
        session.Publish(subject, message); // sent at the end of what the loop is doing (a flush, a tick, a read), with all it writes
    }

    protected override void AfterFlush() => SendOrDrop();

    /// <summary>Every tick: a PING every ping interval; a server that leaves too many unanswered has gone silent.</summary>
    protected override void AfterTick()
    {
        if (_session is not { } session)
        {
            return;
        }
        if (Time.GetElapsedTime(_lastPing) >= Options.PingInterval)
        {
            if (session.PingsOut >= Options.MaxPingsOut)
            {
                Drop($"the server did not answer {session.PingsOut} pings in {(Options.PingInterval * session.PingsOut).TotalSeconds:0} s");
                return;
            }
            session.Ping();
            _lastPing = Time.GetTimestamp();
        }
        SendOrDrop();
    }

    // What the session reads (loop thread).

    public void OnMsg(int sid, ReadOnlySpan<byte> replyTo, ReadOnlySpan<byte> payload)
    {
        switch (sid)
        {
            case PresenceSid or LinkSid:
                Node.OnMessage(payload);
                break;
            case RequestSid:
                var to = System.Text.Encoding.ASCII.GetString(replyTo);
                foreach (var part in Tables.Answer(payload, to, LocalClients()))
                {
                    _session?.Publish(to, null, part);
                }
                break;
            case AnswerSid:
                Tables.OnAnswer(payload);
                break;
        }
    }

    public void OnInfo(ReadOnlySpan<byte> json)
    {
        if (System.Text.Json.JsonSerializer.Deserialize(json, NatsJson.Default.NatsServerInfo) is { } info)
        {
            Learn(info);
        }
    }

    public void OnError(string text) => _connectionLog.ServerSaid(text);

    /// <summary>The other servers of the server's NATS cluster, as it announces them: tried too when this one goes (with the first URL's user).</summary>
    private void Learn(NatsServerInfo info)
    {
        var user = _servers[0].UserInfo is { Length: > 0 } userInfo ? userInfo + "@" : "";
        foreach (var address in info.ConnectUrls ?? [])
        {
            if (Uri.TryCreate($"nats://{user}{address}", UriKind.Absolute, out var url) && !_servers.Any(known => known.Host == url.Host && known.Port == url.Port))
            {
                _servers.Add(url);
            }
        }
    }

    public override Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default) =>
        GatherOverNatsAsync((subject, replyTo, bytes) =>
        {
            Post(() =>
            {
                _session?.Publish(subject, replyTo, bytes);
                SendOrDrop();
            });
            return Task.CompletedTask;
        }, cancellationToken);

    protected override async ValueTask StopTransportAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _connecting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            SendOrDrop(); // the goodbye
            _watch?.Dispose();
            _session?.Dispose();
            (_session, _watch) = (null, null);
            closed.TrySetResult();
        });
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
