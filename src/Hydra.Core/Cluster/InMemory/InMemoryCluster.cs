using Hydra.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hydra.Cluster.InMemory;

/// <summary>
/// Routers of a cluster in one process, with memory where NATS would be: for fast tests of the
/// cluster rules, beside (not instead of) the real thing. Each router runs the same state machine
/// (<see cref="State.ClusterNode"/>) as over NATS; only the carrying differs. Messages are copied
/// and handed to each subscriber's routing thread, in the order they were published.
/// </summary>
internal sealed class InMemoryCluster
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<InMemoryFederation>> _subscribers = [];
    private readonly List<InMemoryFederation> _members = [];

    /// <summary>Options for a router of this cluster: give them to <see cref="RouterOptions.Cluster"/>.</summary>
    public ClusterOptions Options(string routerId, Func<ClusterOptions, ClusterOptions>? tune = null) =>
        (tune ?? (options => options))(new ClusterOptions
        {
            Urls = "nats://in-memory:4222", // not dialled: the factory below carries the messages
            Name = "memory",
            RouterId = routerId,
            Federation = (options, time, logs) => Join(options, time, logs),
        });

    /// <summary>A federation of this cluster, for a router made directly on a transport (rules tests).</summary>
    public InMemoryFederation Join(ClusterOptions options, TimeProvider time, ILoggerFactory? logs = null)
    {
        var member = new InMemoryFederation(this, options, time, logs ?? NullLoggerFactory.Instance);
        lock (_gate)
        {
            _members.Add(member);
        }
        return member;
    }

    internal IReadOnlyList<InMemoryFederation> Members
    {
        get
        {
            lock (_gate)
            {
                return [.. _members];
            }
        }
    }

    internal void Subscribe(string subject, InMemoryFederation member)
    {
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(subject, out var list))
            {
                _subscribers[subject] = list = [];
            }
            if (!list.Contains(member))
            {
                list.Add(member);
            }
        }
    }

    internal void Unsubscribe(InMemoryFederation member)
    {
        lock (_gate)
        {
            foreach (var list in _subscribers.Values)
            {
                list.Remove(member);
            }
        }
    }

    internal void Publish(string subject, byte[] message)
    {
        List<InMemoryFederation> to;
        lock (_gate)
        {
            to = _subscribers.TryGetValue(subject, out var list) ? [.. list] : [];
        }
        foreach (var member in to)
        {
            member.Deliver(message);
        }
    }
}
