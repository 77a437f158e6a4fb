using System.Collections.Concurrent;
using System.Text.Json;
using Hydra.Protocol;
using Hydra.Routing;

namespace Hydra.Cluster;

/// <summary>
/// A cluster-wide <c>clients</c>: a router asks every router for its table on one subject, and
/// gathers the answers on a subject of its own until every router whose link is up has answered,
/// or <see cref="ClusterOptions.GatherTimeout"/> has passed (the rest are named missing). JSON:
/// rare (on request), so readable wins. The transport calls in; publishing is the transport's.
/// </summary>
internal sealed class ClientTables(ClusterOptions options, TimeProvider time)
{
    /// <summary>Rows per reply message: a table of 100,000 rows goes in parts, each well under NATS's 1 MB payload limit.</summary>
    private const int RowsPerPart = 2_000;

    private readonly ConcurrentDictionary<long, Gathering> _gatherings = new();
    private long _lastRequest;

    /// <summary>Where every router listens for requests.</summary>
    public string RequestSubject { get; } = $"hydra.{options.Name}.clients";

    /// <summary>Where the answers to this router's requests come.</summary>
    public string ReplySubject { get; } = $"hydra.{options.Name}.ctl.{options.RouterId}";

    /// <summary>Any thread: asks, then waits for the routers in <paramref name="expected"/> (or the timeout).</summary>
    /// <param name="expected">The routers whose link is up now.</param>
    /// <param name="publish">Sends a request (subject, reply subject, bytes) to every router.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task<ClusterClients> GatherAsync(IReadOnlyList<string> expected, Func<string, string, byte[], Task> publish, CancellationToken cancellationToken)
    {
        var request = Interlocked.Increment(ref _lastRequest);
        var gathering = new Gathering(expected);
        _gatherings[request] = gathering;
        try
        {
            var ask = JsonSerializer.SerializeToUtf8Bytes(new ClientsRequestMessage(options.RouterId, request), ClusterJson.Default.ClientsRequestMessage);
            await publish(RequestSubject, ReplySubject, ask).ConfigureAwait(false);
            if (expected.Count > 0)
            {
                await gathering.Done.Task.WaitAsync(options.GatherTimeout, time, cancellationToken).ConfigureAwait(false);
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

    /// <summary>A request from another router: the answer, in parts, each for <paramref name="replyTo"/>; none for our own request or a bad one.</summary>
    public IEnumerable<byte[]> Answer(ReadOnlySpan<byte> request, string? replyTo, IReadOnlyList<ClientInfo> localRows)
    {
        var ask = Read(request, ClusterJson.Default.ClientsRequestMessage);
        if (ask is null || ask.Router == options.RouterId || replyTo is null)
        {
            return [];
        }
        var rows = localRows.Select(ToRow).ToList();
        var parts = Math.Max(1, (rows.Count + RowsPerPart - 1) / RowsPerPart);
        return Enumerable.Range(0, parts).Select(part => JsonSerializer.SerializeToUtf8Bytes(
            new ClientsReplyMessage(options.RouterId, ask.Request, part, parts, rows.GetRange(part * RowsPerPart, Math.Min(RowsPerPart, rows.Count - (part * RowsPerPart)))),
            ClusterJson.Default.ClientsReplyMessage)).ToList();
    }

    /// <summary>Any thread: an answer to one of our requests.</summary>
    public void OnAnswer(ReadOnlySpan<byte> answer)
    {
        var reply = Read(answer, ClusterJson.Default.ClientsReplyMessage);
        if (reply is not null && _gatherings.TryGetValue(reply.Request, out var gathering))
        {
            gathering.Add(reply);
        }
    }

    private static T? Read<T>(ReadOnlySpan<byte> json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return default; // not one of ours: ignored
        }
    }

    private static ClientRow ToRow(ClientInfo client) =>
        new(client.Identity, client.Status.ToLabel(), Math.Round(client.LastSeenAgo.TotalSeconds, 3), client.MessagesIn, client.MessagesOut, client.Connected);

    /// <summary>The answers to one request, as they come (any thread) until taken.</summary>
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
