using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Hydra.Routing;

namespace Hydra.Cluster.Nats;

// A cluster-wide `clients`: scatter a request to every router, gather their tables until every
// router whose link is up has answered, or GatherTimeout has passed (the rest are named missing).
internal sealed partial class NatsFederation
{
    /// <summary>Rows per reply message: a table of 100,000 rows goes in parts, each well under NATS's 1 MB payload limit.</summary>
    private const int RowsPerPart = 2_000;

    private readonly ConcurrentDictionary<long, Gathering> _gatherings = new();
    private long _lastRequest;

    private string ClientsRequestSubject => $"hydra.{Options.Name}.clients";

    private string ControlSubject => $"hydra.{Options.Name}.ctl.{Options.RouterId}";

    /// <summary>Reader thread: a message on the node's subjects.</summary>
    internal void OnNodeMessage(in ReadOnlySequence<byte> payload) => Receive(payload);

    public override async Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default)
    {
        var expected = RoutersUp();
        if (!IsAvailable)
        {
            return new ClusterClients([], ["(the cluster: NATS is unreachable)"]);
        }
        var request = Interlocked.Increment(ref _lastRequest);
        var gathering = new Gathering(expected);
        _gatherings[request] = gathering;
        try
        {
            var ask = JsonSerializer.SerializeToUtf8Bytes(new ClientsRequestMessage(Options.RouterId, request), ClusterJson.Default.ClientsRequestMessage);
            await _nats.PublishAsync(ClientsRequestSubject, ask, replyTo: ControlSubject, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (expected.Count > 0)
            {
                await gathering.Done.Task.WaitAsync(Options.GatherTimeout, Time, cancellationToken).ConfigureAwait(false);
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

    private void OnClientsRequest(string subject, string? replyTo, in ReadOnlySequence<byte> payload)
    {
        var ask = Read(payload, ClusterJson.Default.ClientsRequestMessage);
        if (ask is null || ask.Router == Options.RouterId || replyTo is null)
        {
            return;
        }
        Post(() =>
        {
            var rows = LocalClients().Select(ToRow).ToList();
            var parts = Math.Max(1, (rows.Count + RowsPerPart - 1) / RowsPerPart);
            for (var part = 0; part < parts; part++)
            {
                var chunk = rows.GetRange(part * RowsPerPart, Math.Min(RowsPerPart, rows.Count - (part * RowsPerPart)));
                var reply = new ClientsReplyMessage(Options.RouterId, ask.Request, part, parts, chunk);
                _ = PublishQuietlyAsync(replyTo, JsonSerializer.SerializeToUtf8Bytes(reply, ClusterJson.Default.ClientsReplyMessage));
            }
        });
    }

    private async Task PublishQuietlyAsync(string subject, byte[] payload)
    {
        try
        {
            await _nats.PublishAsync(subject, payload).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NATS.Client.Core.NatsException or ObjectDisposedException or OperationCanceledException)
        {
            // the asker names this router missing
        }
    }

    private void OnControlMessage(string subject, string? replyTo, in ReadOnlySequence<byte> payload)
    {
        var reply = Read(payload, ClusterJson.Default.ClientsReplyMessage);
        if (reply is not null && _gatherings.TryGetValue(reply.Request, out var gathering))
        {
            gathering.Add(reply);
        }
    }

    private static T? Read<T>(in ReadOnlySequence<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            return JsonSerializer.Deserialize(ref reader, type);
        }
        catch (JsonException)
        {
            return default; // not one of ours: ignored
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
