using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Transport;

namespace Hydra.Tests.Rules;

/// <summary>
/// Routers of a cluster in memory, for the cluster rules without NATS: who holds each identity is
/// one dictionary, as NATS's interest graph is in the real federation (Cluster/NatsFederation).
/// Everything a router is told arrives on its own loop thread, as it does over NATS.
/// </summary>
internal sealed class FakeCluster
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeFederation> _holders = [];
    private readonly List<FakeFederation> _members = [];

    public FakeFederation Join(string routerId)
    {
        var member = new FakeFederation(this, routerId);
        lock (_gate)
        {
            _members.Add(member);
        }
        return member;
    }

    internal FakeFederation? HolderOf(ReadOnlySpan<byte> identity)
    {
        lock (_gate)
        {
            return _holders.GetValueOrDefault(Convert.ToBase64String(identity));
        }
    }

    /// <summary>The newest claim wins: the previous holder, if another router, is told.</summary>
    internal FakeFederation? Claim(FakeFederation claimant, byte[] identity)
    {
        lock (_gate)
        {
            var key = Convert.ToBase64String(identity);
            var previous = _holders.GetValueOrDefault(key);
            _holders[key] = claimant;
            return previous == claimant ? null : previous;
        }
    }

    internal void Release(FakeFederation holder, byte[] identity)
    {
        lock (_gate)
        {
            var key = Convert.ToBase64String(identity);
            if (_holders.GetValueOrDefault(key) == holder)
            {
                _holders.Remove(key);
            }
        }
    }

    internal List<FakeFederation> Others(FakeFederation me)
    {
        lock (_gate)
        {
            return _members.Where(m => m != me).ToList();
        }
    }
}

/// <summary>One router's face of a <see cref="FakeCluster"/>: the seam the rules talk to.</summary>
internal sealed class FakeFederation(FakeCluster cluster, string routerId) : IRouterFederation
{
    private IFederationRules? _rules;
    private ITransportLoop? _loop;
    private long _sent;
    private long _received;

    /// <summary>Set false to play a router that lost NATS.</summary>
    public bool Available { get; set; } = true;

    public string RouterId => routerId;

    public bool IsAvailable => Available;

    public ClusterStats Stats => new(routerId, Available, cluster.Others(this).Count + 1, Volatile.Read(ref _sent), Volatile.Read(ref _received), 0, 0, null);

    public void Start(IFederationRules rules, ITransportLoop loop) => (_rules, _loop) = (rules, loop);

    public void Claim(ReadOnlySpan<byte> identity, string? key)
    {
        var bytes = identity.ToArray();
        if (cluster.Claim(this, bytes) is { } previous)
        {
            previous.OnLoop(rules => rules.OnIdentityTaken(bytes, routerId));
        }
    }

    public void Release(ReadOnlySpan<byte> identity) => cluster.Release(this, identity.ToArray());

    public FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id)
    {
        if (!Available)
        {
            return FederationSend.Unavailable;
        }
        var origin = new Origin(this, sender.ToArray(), id.ToArray());
        var (targetBytes, frameBytes) = (target.ToArray(), frame.ToArray());
        Interlocked.Increment(ref _sent);
        if (cluster.HolderOf(target) is { } holder)
        {
            holder.OnLoop(rules =>
            {
                Interlocked.Increment(ref holder._received);
                rules.OnRemoteFrame(targetBytes, frameBytes, origin);
            });
        }
        else
        {
            OnLoop(rules => rules.OnRemoteRefusal(origin.Sender, origin.Id, HydraErrorCode.UnknownTarget, "no router holds it"));
        }
        return FederationSend.Sent;
    }

    public void Refuse(object origin, ReadOnlySpan<byte> frame, HydraErrorCode code, string detail)
    {
        var from = (Origin)origin;
        from.Router.OnLoop(rules => rules.OnRemoteRefusal(from.Sender, from.Id, code, detail));
    }

    public async Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<ClientInfo>();
        foreach (var other in cluster.Others(this))
        {
            var done = new TaskCompletionSource<IReadOnlyList<ClientInfo>>(TaskCreationOptions.RunContinuationsAsynchronously);
            other.OnLoop(rules => done.SetResult(rules.LocalClients()));
            rows.AddRange(await done.Task.WaitAsync(cancellationToken));
        }
        return new ClusterClients(rows, []);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void OnLoop(Action<IFederationRules> work) => _loop!.Post(() => work(_rules!));

    private sealed record Origin(FakeFederation Router, byte[] Sender, byte[] Id);
}
