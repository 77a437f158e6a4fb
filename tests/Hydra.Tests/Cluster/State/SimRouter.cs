using Hydra.Cluster;
using Hydra.Cluster.State;
using Hydra.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hydra.Tests.Cluster.State;

/// <summary>
/// One router in a <see cref="SimNetwork"/>: its cluster state machine, and the part of the routing
/// rules the machine talks to (which connection holds which name here, delivering, answering).
/// What happens to each message is told to the <see cref="SimWorld"/>.
/// </summary>
internal sealed class SimRouter(SimNetwork network, ClusterOptions options) : IClusterOutput
{
    private bool _flushWanted;

    public string Id => options.RouterId;

    public ClusterNode Node { get; private set; } = null!;

    public SimWorld? World { get; set; }

    /// <summary>The latest connection of each identity here.</summary>
    public Dictionary<string, SimConnection> Connections { get; } = [];

    /// <summary>Cut off from NATS, silently: nothing it publishes arrives, nothing reaches it.</summary>
    public bool Cut { get; set; }

    /// <summary>Frames for a peer here that the router refuses as if that peer's queue were full.</summary>
    public double BusyRate { get; set; }

    public Random Random { get; set; } = new(0);

    public void Start()
    {
        Node = new ClusterNode(options, network.Clock, this, network.Trace is null ? NullLogger.Instance : new TraceLog(network, Id));
        Node.ConnectionChanged(true, "connected");
    }

    /// <summary>Killed and started again: a new process (incarnation) that knows nothing, and whose peers are gone.</summary>
    public void Restart()
    {
        Connections.Clear();
        Start();
    }

    public bool Subscribes(string subject) => subject == Node.PresenceSubject || subject == Node.LinkSubject;

    public void Receive(byte[] message) => Node.OnMessage(message);

    public void Tick() => Node.Tick();

    public void Flush()
    {
        if (_flushWanted)
        {
            _flushWanted = false;
            Node.Flush();
        }
    }

    public bool IsBackedUp => false;

    public void Publish(string subject, OutgoingMessage message)
    {
        var bytes = new byte[message.Length];
        message.WriteTo(bytes);
        network.Publish(this, subject, bytes);
    }

    public void RequestFlush() => _flushWanted = true;

    public void Deliver(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, Link origin)
    {
        var name = IdentityText.Of(target);
        if (!Connections.TryGetValue(name, out var connection) || !connection.Hold.IsHeld || connection.Closed)
        {
            Node.Refuse(origin, frame, HydraErrorCode.UnknownTarget, $"'{name}' disconnected");
            return;
        }
        if (Random.NextDouble() < BusyRate)
        {
            Node.Refuse(origin, frame, HydraErrorCode.Busy, $"'{name}' is busy");
            return;
        }
        World!.Delivered(SimWorld.IdOf(frame), connection);
    }

    public void Refused(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail) =>
        World!.Answered(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), code, detail);

    public void Taken(NameHold hold, string router)
    {
        // the connection's hold says so; the world reads it there
    }

    public void Bound(string identity, string key)
    {
    }
}

/// <summary>A router's log lines, into the network's trace.</summary>
internal sealed class TraceLog(SimNetwork network, string router) : Microsoft.Extensions.Logging.ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) => network.Note($"{router} log: {formatter(state, exception)}");
}

/// <summary>A peer's connection to a router.</summary>
internal sealed class SimConnection(int number, string peer, SimRouter router, NameHold hold, long openedAt)
{
    public int Number { get; } = number;

    public string Peer { get; } = peer;

    public SimRouter Router { get; } = router;

    public NameHold Hold { get; } = hold;

    public long OpenedAt { get; } = openedAt;

    public bool Closed { get; set; }

    public override string ToString() => $"{Peer}#{Number}@{Router.Id}";
}
