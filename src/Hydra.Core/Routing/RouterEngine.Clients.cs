using Hydra.Cluster;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Routing.Internal;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// The client table, asked for by peers (the clients method) and by watchers (GetClientsAsync).
// Neither stalls routing: the routing thread only hands over who is in the table (the same
// array while nobody comes or goes); sorting, reading the rows and writing the JSON happen on
// another thread, and a peer may ask only so often (ClientsRequestLimit).
public sealed partial class RouterEngine
{
    /// <summary>The client table as of now, sorted by identity.</summary>
    public async Task<IReadOnlyList<ClientInfo>> GetClientsAsync(CancellationToken cancellationToken = default)
    {
        var members = await OnLoopAsync(_clients.Members, cancellationToken).ConfigureAwait(false);
        return _rows.Of(members);
    }

    /// <summary>
    /// Puts <paramref name="count"/> made-up clients in the table (named <c>synthetic-N</c>), for
    /// benchmarks that measure routing beside a big table. They are pruned like any client.
    /// </summary>
    internal Task FillTableAsync(int count, CancellationToken cancellationToken = default) =>
        OnLoopAsync(() =>
        {
            for (var i = 0; i < count; i++)
            {
                _clients.Touch(System.Text.Encoding.UTF8.GetBytes($"synthetic-{i:D6}"));
            }
            _counters.Clients = _clients.Count;
            return true;
        }, cancellationToken);

    private void AnswerClients(in Sender sender)
    {
        var entry = sender.Entry!; // every admitted sender has a row
        if (entry.ClientsRequests.TryTake(_options.TimeProvider) is { } tooOften)
        {
            Refuse(sender, HydraErrorCode.Busy, $"'clients' not answered: {tooOften}");
            return;
        }
        if (ClientsReply.ReadRequest(HydraMsg.FromJson(sender.Body).Payload, out var offset, out var limit) is { } problem)
        {
            entry.ClientsRequests.Done();
            Refuse(sender, HydraErrorCode.BadMessage, problem);
            return;
        }
        var page = new ClientsPage(entry, sender.Port, sender.Envelope, _clients.Members(), offset, limit, sender.ReplyTo.ToArray());
        Record(_trace is null ? null : Traced(sender, RouteOutcome.Answered));
        if (_federation is not null)
        {
            _ = WriteClusterClientsPageAsync(page); // the whole cluster's table (RouterEngine.Cluster.cs)
            return;
        }
        ThreadPool.QueueUserWorkItem(WriteClientsPage, page, preferLocal: false);
    }

    /// <summary>A pool thread writes the page; the routing thread sends it.</summary>
    private void WriteClientsPage(ClientsPage page)
    {
        try
        {
            var sorted = _rows.Sorted(page.Members);
            var now = _rows.Now();
            page.Json = ClientsReply.Write(page.Entry.Identity, sorted.Length, i => _rows.Row(sorted[i], now), page.Offset, page.Limit, _options.MaxMessageSize, page.ReplyTo,
                missingRouters: null);
        }
        catch (Exception e)
        {
            _log.LogClientTableFailed(e, page.Entry.DisplayName);
        }
        try
        {
            _transport.Loop.Post(() => SendClientsPage(page));
        }
        catch (ObjectDisposedException)
        {
            // the router stopped meanwhile
        }
    }

    private void SendClientsPage(ClientsPage page)
    {
        page.Entry.ClientsRequests.Done();
        if (page.Json is not null && _transport.Send(page.Port, page.Entry.Identity, page.Envelope, page.Json) == SendResult.Sent)
        {
            page.Entry.MessagesOut++;
            return;
        }
        _counters.RepliesNotDelivered++;
        _errorLog.NotDelivered(page.Entry.DisplayName);
    }

    private sealed record ClientsPage(ClientEntry Entry, PortKind Port, Envelope Envelope, ClientEntry[] Members, int Offset, int Limit, byte[] ReplyTo)
    {
        public byte[]? Json { get; set; }
    }
}
