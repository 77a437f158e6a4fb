using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Protocol;

namespace Hydra.Cli;

/// <summary>The router's whole client table, read a page at a time with <c>clients</c> (docs/protocol.md).</summary>
internal static class ClientPages
{
    /// <summary>Rows asked for per page: the most a router sends in one.</summary>
    public const int MaxPageSize = 5_000;

    /// <summary>A router answers a peer's <c>clients</c> at most twice a second (more is <c>busy</c>).</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(500);

    /// <summary>Every row (as the router wrote them), the table's size, and the routers of a cluster that did not answer.</summary>
    public sealed record Table(IReadOnlyList<JsonObject> Rows, long Total, IReadOnlyList<string> MissingRouters);

    /// <exception cref="HydraTimeoutException">A page did not come within the client's network timeout.</exception>
    /// <exception cref="HydraRemoteException">The router refused the request (other than <c>busy</c>, which is waited out).</exception>
    public static async Task<Table> ReadAsync(HydraClient peer, int pageSize, CancellationToken cancellationToken)
    {
        var rows = new List<JsonObject>();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        long total = 0;
        for (long? offset = 0; offset is { } next;)
        {
            var page = await PageAsync(peer, next, pageSize, cancellationToken).ConfigureAwait(false);
            rows.AddRange(page["clients"]!.AsArray().Select(row => row!.AsObject().DeepClone().AsObject()));
            total = (long?)page["total"] ?? rows.Count;
            missing.UnionWith(page["missing_routers"]?.AsArray().Select(router => (string?)router ?? "") ?? []);
            offset = (long?)page["next_offset"];
            if (offset is not null)
            {
                await Task.Delay(Pace, cancellationToken).ConfigureAwait(false);
            }
        }
        return new Table(rows, total, [.. missing]);
    }

    private static async Task<JsonObject> PageAsync(HydraClient peer, long offset, int pageSize, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + peer.Options.NetworkTimeout;
        while (true)
        {
            var request = peer.CreateMessage(HydraIdentities.Router, HydraMethods.Clients, new JsonObject { ["offset"] = offset, ["limit"] = pageSize });
            try
            {
                return (await peer.RequestAsync(request, cancellationToken).ConfigureAwait(false)).Payload;
            }
            catch (HydraRemoteException e) when (e.Code == HydraErrorCode.Busy && DateTime.UtcNow + Pace < deadline)
            {
                await Task.Delay(Pace, cancellationToken).ConfigureAwait(false); // asked too soon after another request
            }
        }
    }
}
