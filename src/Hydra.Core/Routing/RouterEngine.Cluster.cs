using Hydra.Cluster;
using Hydra.Cluster.State;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Routing.Internal;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// The rules in a cluster (docs/cluster.md): a target that is not held here goes to the
// federation; frames from other routers are delivered like local ones, and refused back to
// their sender's router when they cannot be; one connection holds an identity cluster-wide, the
// newest. Only runs when RouterOptions.Cluster is set: alone, a router never reaches this file.
public sealed partial class RouterEngine
{
    /// <summary>This router's view of its cluster; null when it is not in one.</summary>
    public ClusterStats? ClusterStats => _federation?.Stats;

    /// <summary>
    /// The client table of the whole cluster: this router's rows and every other router's, each
    /// with its <see cref="ClientInfo.Router"/>. Alone, the same as <see cref="GetClientsAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<ClientInfo>> GetClusterClientsAsync(CancellationToken cancellationToken = default)
    {
        if (_federation is null)
        {
            return await GetClientsAsync(cancellationToken).ConfigureAwait(false);
        }
        var remote = _federation.GatherClientsAsync(cancellationToken);
        var members = await OnLoopAsync(LocalMembers, cancellationToken).ConfigureAwait(false);
        return Merge(LocalClusterRows(members), (await remote.ConfigureAwait(false)).Rows);
    }

    /// <summary>Bytes the cluster's NATS client allocated on the routing thread, while measured; for tests and benchmarks.</summary>
    internal Task<long> GetNatsAllocatedBytesAsync(CancellationToken cancellationToken = default) =>
        OnLoopAsync(() => _federation?.AllocatedByClient ?? 0, cancellationToken);

    /// <summary>Loop thread: who is in the table here now (cheap: the same array while nobody comes or goes).</summary>
    private ClientEntry[] LocalMembers() => _clients.Members();

    /// <summary>Any thread: this router's rows, with its id as their router; connections that lost their name to a newer one elsewhere are left out.</summary>
    private List<ClientInfo> LocalClusterRows(ClientEntry[] members)
    {
        var id = _federation!.RouterId;
        var now = _rows.Now();
        var rows = new List<ClientInfo>(members.Length);
        foreach (var entry in _rows.Sorted(members))
        {
            if (entry.Hold is not { State: HoldState.Taken })
            {
                rows.Add(_rows.Row(entry, now) with { Router = id });
            }
        }
        return rows;
    }

    /// <summary>The cluster-wide <c>clients</c>: gathers the other routers' tables (off the routing thread), then writes the page and hands it to the routing thread.</summary>
    private async Task WriteClusterClientsPageAsync(ClientsPage page)
    {
        try
        {
            var remote = await _federation!.GatherClientsAsync().ConfigureAwait(false);
            var rows = Merge(LocalClusterRows(page.Members), remote.Rows);
            page.Json = ClientsReply.Write(page.Entry.Identity, rows, page.Offset, page.Limit, _options.MaxMessageSize, page.ReplyTo, remote.Missing);
        }
        catch (Exception e)
        {
            _log.LogClusterTableFailed(e, page.Entry.DisplayName);
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

    private static List<ClientInfo> Merge(List<ClientInfo> local, IReadOnlyList<ClientInfo> remote)
    {
        var rows = new List<ClientInfo>(local.Count + remote.Count);
        rows.AddRange(local);
        rows.AddRange(remote);
        rows.Sort((a, b) => string.CompareOrdinal(a.Identity, b.Identity) is var byName and not 0 ? byName : string.CompareOrdinal(a.Router, b.Router));
        return rows;
    }

    /// <summary>A new connection (or one heard from again after closing) claims its identity cluster-wide; a stale one is refused.</summary>
    private bool HoldInCluster(in Sender sender)
    {
        var entry = sender.Entry!;
        if (entry.Hold is not { State: HoldState.Taken })
        {
            entry.Hold = _federation!.Claim(sender.Identity, _auth?.KeyOf(entry.DisplayName));
        }
        if (entry.Hold.IsHeld)
        {
            return true;
        }
        Refuse(sender, HydraErrorCode.SenderMismatch,
            $"identity '{entry.DisplayName}' now belongs to a newer connection on another router of the cluster; reconnect to take it back");
        return false;
    }

    private void LeaveCluster(ClientEntry entry)
    {
        if (entry.Hold is { } hold)
        {
            _federation!.Release(hold);
        }
        entry.Hold = null; // its next connection claims it again, wherever it is
    }

    private void ForwardToCluster(in Sender sender, ReadOnlySpan<byte> target)
    {
        var traced = _trace is null ? null : Traced(sender, RouteOutcome.Forwarded);
        var outcome = _federation!.Send(target, sender.Body, out var problem);
        if (outcome == FederationSend.Sent)
        {
            _counters.Routed++;
            Record(traced);
            return;
        }
        Refuse(sender, outcome switch
        {
            FederationSend.Unavailable => HydraErrorCode.ClusterUnavailable,
            FederationSend.TooLarge => HydraErrorCode.TooLarge,
            FederationSend.UnknownTarget => HydraErrorCode.UnknownTarget,
            _ => HydraErrorCode.Busy,
        }, problem!);
    }

    private void OnRemoteFrame(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, object origin)
    {
        if (!_clients.TryGet(target, out var entry) || entry.Hold is not { IsHeld: true })
        {
            _federation!.Refuse(origin, frame, HydraErrorCode.UnknownTarget, $"'{IdentityText.Of(target)}' left router {_federation.RouterId}");
            return;
        }
        switch (_transport.Send(PortKind.Main, target, entry.Envelope, frame))
        {
            case SendResult.Sent:
                entry.MessagesOut++;
                if (_trace is not null)
                {
                    FrameInspector.Inspect(frame, out var header);
                    Record(new RoutedMessage(_options.TimeProvider.GetUtcNow(), header.Sender.ToString(frame), entry.DisplayName, header.Method.ToString(frame), RouteOutcome.Forwarded));
                }
                break;
            case SendResult.QueueFull:
                _federation!.Refuse(origin, frame, HydraErrorCode.Busy, $"'{entry.DisplayName}' has {_options.HighWatermark} messages waiting; this one was not delivered");
                break;
            default:
                _federation!.Refuse(origin, frame, HydraErrorCode.UnknownTarget, $"'{entry.DisplayName}' disconnected from router {_federation.RouterId}");
                break;
        }
    }

    /// <summary>A message a peer here sent to another router was not delivered: the peer gets the error, as for a local refusal.</summary>
    private void OnRemoteRefusal(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail)
    {
        _counters.CountError(code);
        var known = _clients.TryGet(sender, out var entry);
        var who = known ? entry.DisplayName : IdentityText.Of(sender);
        _errorLog.Refused(who, code, detail);
        if (_trace is not null)
        {
            Record(new RoutedMessage(_options.TimeProvider.GetUtcNow(), who, "", "", RouteOutcome.Refused, code));
        }
        var json = _replies.Error(sender, code, detail, id);
        if (_transport.Send(PortKind.Main, sender, known ? entry.Envelope : Envelope.Bare, json) == SendResult.Sent)
        {
            if (known)
            {
                entry.MessagesOut++;
            }
            return;
        }
        _counters.RepliesNotDelivered++;
        _errorLog.NotDelivered(who);
    }

    private void OnIdentityTaken(ReadOnlySpan<byte> identity, string router)
    {
        if (_clients.TryGet(identity, out var entry))
        {
            _auth?.Revoke(identity);
            _log.LogTakenByRouter(entry.DisplayName, router);
        }
    }

    /// <summary>The face the federation sees; keeps the callbacks off the public type.</summary>
    private sealed class FederationRules(RouterEngine router) : IFederationRules
    {
        public void OnRemoteFrame(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, object origin) => router.OnRemoteFrame(target, frame, origin);

        public void OnRemoteRefusal(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail) =>
            router.OnRemoteRefusal(sender, id, code, detail);

        public void OnIdentityTaken(ReadOnlySpan<byte> identity, string newRouter) => router.OnIdentityTaken(identity, newRouter);

        public void OnBinding(string identity, string key) => router._auth?.Bind(identity, key);

        public IReadOnlyList<ClientInfo> LocalClients() => router.LocalClusterRows(router.LocalMembers());
    }
}
