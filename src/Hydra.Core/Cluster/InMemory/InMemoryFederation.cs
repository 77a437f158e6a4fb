using System.Buffers;
using Hydra.Cluster.State;
using Hydra.Protocol;
using Hydra.Routing;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.InMemory;

/// <summary>One router's federation in an <see cref="InMemoryCluster"/>.</summary>
internal sealed class InMemoryFederation(InMemoryCluster cluster, ClusterOptions options, TimeProvider time, ILoggerFactory logs)
    : ClusterFederation(options, time, logs)
{
    private volatile bool _reachable = true;

    /// <summary>Set false to play a router that lost its NATS connection: it sends and hears nothing until set true again.</summary>
    public bool Available
    {
        get => _reachable;
        set
        {
            if (value == _reachable)
            {
                return;
            }
            _reachable = value;
            if (value)
            {
                Subscribe();
                ConnectionChanged(true, "connected");
            }
            else
            {
                cluster.Unsubscribe(this);
                ConnectionChanged(false, $"router {RouterId} lost its NATS connection");
            }
        }
    }

    public override bool IsBackedUp => false;

    protected override void StartTransport()
    {
        Subscribe();
        ConnectionChanged(true, "connected");
    }

    protected override ValueTask StopTransportAsync()
    {
        cluster.Unsubscribe(this);
        return ValueTask.CompletedTask;
    }

    public override void Publish(string subject, OutgoingMessage message)
    {
        if (!_reachable || Stopped && subject != Node.PresenceSubject)
        {
            return;
        }
        var bytes = new byte[message.Length];
        message.WriteTo(bytes);
        cluster.Publish(subject, bytes);
    }

    public override async Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<ClientInfo>();
        foreach (var other in cluster.Members)
        {
            if (other != this && other._reachable && RoutersUp().Contains(other.RouterId))
            {
                rows.AddRange(await other.LocalClientsAsync().WaitAsync(cancellationToken).ConfigureAwait(false));
            }
        }
        return new ClusterClients(rows, []);
    }

    /// <summary>Which router this one believes holds <paramref name="identity"/> (null: none): tests wait for a claim to arrive.</summary>
    public Task<string?> HolderAsync(string identity)
    {
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => done.TrySetResult(Node.Names.Find(System.Text.Encoding.UTF8.GetBytes(identity)) switch
        {
            { LocalWins: true } => RouterId,
            { Winner: { } winner } => winner.Link.Router,
            _ => null,
        }));
        return done.Task;
    }

    internal void Deliver(byte[] message) => Receive(new ReadOnlySequence<byte>(message));

    private void Subscribe()
    {
        cluster.Subscribe(Node.PresenceSubject, this);
        cluster.Subscribe(Node.LinkSubject, this);
    }
}
