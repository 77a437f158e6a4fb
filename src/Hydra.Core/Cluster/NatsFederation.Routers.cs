using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Hydra.Routing;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster;

// The other routers: who is there (presence every PresenceInterval; gone after 10 missed or a
// goodbye: generous, because a router starved of CPU may miss a few, and one taken for gone is
// silently left out of clients), and their client tables on request (scatter to every router,
// gather the answers until all routers known to be there have answered, or GatherTimeout).
internal sealed partial class NatsFederation
{
    /// <summary>Presence intervals without a word after which a router is taken as gone.</summary>
    private const int MissedPresences = 10;

    /// <summary>Rows per reply message: a table of 100,000 rows goes in parts, each well under NATS's 1 MB payload limit.</summary>
    private const int RowsPerPart = 2_000;

    private readonly ConcurrentDictionary<string, long> _routers = new(); // router id → when last heard (timestamp)
    private readonly ConcurrentDictionary<long, Gathering> _gatherings = new();
    private ITimer? _presenceTimer;
    private long _lastRequest;

    /// <summary>Other routers heard from lately.</summary>
    private int RoutersUp => _routers.Count;

    /// <summary>The other routers heard from lately, by id.</summary>
    public IReadOnlyList<string> OtherRouters => [.. _routers.Keys.Order(StringComparer.Ordinal)];

    private void StartPresence() =>
        _presenceTimer = _time.CreateTimer(_ => OnPresenceTick(), null, _options.PresenceInterval, _options.PresenceInterval);

    private async Task StopPresenceAsync()
    {
        if (_presenceTimer is not null)
        {
            await _presenceTimer.DisposeAsync().ConfigureAwait(false);
        }
        if (IsAvailable)
        {
            // A goodbye, so the others stop waiting for this router's table at once.
            var bye = JsonSerializer.SerializeToUtf8Bytes(new PresenceMessage(_options.RouterId, 0, Stopping: true), ClusterJson.Default.PresenceMessage);
            try
            {
                await _nats.PublishAsync(_subjects.Presence, bye).AsTask().WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or NATS.Client.Core.NatsException or ObjectDisposedException)
            {
                // leaving anyway: the others notice the silence instead
            }
        }
    }

    private void OnPresenceTick()
    {
        PublishPresence();
        var now = _time.GetTimestamp();
        foreach (var (router, seen) in _routers)
        {
            if (_time.GetElapsedTime(seen, now) > MissedPresences * _options.PresenceInterval && _routers.TryRemove(router, out _))
            {
                _log.LogWarning("Router {Me}: router {Router} has not been heard from for {Seconds:0.#} s; taken as gone", _options.RouterId, router,
                    (MissedPresences * _options.PresenceInterval).TotalSeconds);
            }
        }
    }

    private void PublishPresence()
    {
        if (!IsAvailable || Volatile.Read(ref _state) != 1)
        {
            return;
        }
        var hello = new PresenceMessage(_options.RouterId, _held.Dictionary.Count, Stopping: false);
        Observe(_nats.PublishAsync(_subjects.Presence, JsonSerializer.SerializeToUtf8Bytes(hello, ClusterJson.Default.PresenceMessage)), "presence");
    }

    private void OnPresenceMessage(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload)
    {
        var presence = Read(payload, ClusterJson.Default.PresenceMessage);
        if (presence is null || presence.Router == _options.RouterId)
        {
            return;
        }
        if (presence.Stopping)
        {
            if (_routers.TryRemove(presence.Router, out _))
            {
                _log.LogInformation("Router {Me}: router {Router} left cluster {Cluster}", _options.RouterId, presence.Router, _options.Name);
            }
            return;
        }
        if (_routers.TryAdd(presence.Router, _time.GetTimestamp()))
        {
            _log.LogInformation("Router {Me}: router {Router} is in cluster {Cluster} too ({Clients} clients)", _options.RouterId, presence.Router, _options.Name, presence.Clients);
            PublishPresence(); // so a router that just started hears of this one without waiting a whole interval
        }
        else
        {
            _routers[presence.Router] = _time.GetTimestamp();
        }
    }

    public async Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default)
    {
        var expected = OtherRouters;
        if (!IsAvailable)
        {
            return new ClusterClients([], expected.Count > 0 ? expected : ["(the cluster: NATS is unreachable)"]);
        }
        var request = Interlocked.Increment(ref _lastRequest);
        var gathering = new Gathering(expected);
        _gatherings[request] = gathering;
        try
        {
            var ask = JsonSerializer.SerializeToUtf8Bytes(new ClientsRequestMessage(_options.RouterId, request), ClusterJson.Default.ClientsRequestMessage);
            await _nats.PublishAsync(_subjects.ClientsRequest, ask, replyTo: _subjects.Control, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (expected.Count > 0)
            {
                await gathering.Done.Task.WaitAsync(_options.GatherTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // answer with what came: the missing routers are named
        }
        finally
        {
            _gatherings.TryRemove(request, out _);
        }
        return gathering.Result();
    }

    private void OnClientsRequest(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload)
    {
        var ask = Read(payload, ClusterJson.Default.ClientsRequestMessage);
        if (ask is null || ask.Router == _options.RouterId || replyTo is null)
        {
            return;
        }
        _loop!.Post(() =>
        {
            var rows = _rules!.LocalClients().Select(ToRow).ToList();
            var parts = Math.Max(1, (rows.Count + RowsPerPart - 1) / RowsPerPart);
            for (var part = 0; part < parts; part++)
            {
                var chunk = rows.GetRange(part * RowsPerPart, Math.Min(RowsPerPart, rows.Count - (part * RowsPerPart)));
                var reply = new ClientsReplyMessage(_options.RouterId, ask.Request, part, parts, chunk);
                Observe(_nats.PublishAsync(replyTo, JsonSerializer.SerializeToUtf8Bytes(reply, ClusterJson.Default.ClientsReplyMessage)), "a client table");
            }
        });
    }

    private void OnControlMessage(string subject, string? replyTo, in ReadOnlySequence<byte>? headers, in ReadOnlySequence<byte> payload)
    {
        var reply = Read(payload, ClusterJson.Default.ClientsReplyMessage);
        if (reply is not null && _gatherings.TryGetValue(reply.Request, out var gathering))
        {
            gathering.Add(reply);
        }
    }

    private static ClientRow ToRow(ClientInfo client) =>
        new(client.Identity, client.Status.ToLabel(), Math.Round(client.LastSeenAgo.TotalSeconds, 3), client.MessagesIn, client.MessagesOut, client.Connected);

    /// <summary>The answers to one <c>clients</c> request, as they come (reader thread) until taken (caller).</summary>
    private sealed class Gathering(IReadOnlyList<string> expected)
    {
        private readonly Dictionary<string, (int Parts, List<ClientRow> Rows, int Received)> _byRouter = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(ClientsReplyMessage reply)
        {
            lock (_byRouter)
            {
                var (_, rows, received) = _byRouter.TryGetValue(reply.Router, out var so) ? so : (reply.Parts, new List<ClientRow>(), 0);
                rows.AddRange(reply.Clients);
                _byRouter[reply.Router] = (reply.Parts, rows, received + 1);
                if (expected.All(router => _byRouter.TryGetValue(router, out var got) && got.Received >= got.Parts))
                {
                    Done.TrySetResult();
                }
            }
        }

        public ClusterClients Result()
        {
            lock (_byRouter)
            {
                var rows = _byRouter.SelectMany(router => router.Value.Rows.Select(row => new ClientInfo(row.Identity, StatusOf(row.Status),
                    TimeSpan.FromSeconds(row.LastSeenS), row.MessagesIn, row.MessagesOut, row.Connected, router.Key))).ToList();
                var missing = expected.Where(router => !_byRouter.TryGetValue(router, out var got) || got.Received < got.Parts).ToList();
                return new ClusterClients(rows, missing);
            }
        }

        private static ClientStatus StatusOf(string label) => label switch
        {
            "GOOD" => ClientStatus.Good,
            "OK" => ClientStatus.Ok,
            _ => ClientStatus.Bad,
        };
    }
}
