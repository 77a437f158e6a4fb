using Hydra.Cluster;
using Hydra.Cluster.State;
using Microsoft.Extensions.Time.Testing;

namespace Hydra.Tests.Cluster.State;

/// <summary>How the simulated NATS misbehaves: what it loses, repeats and holds up.</summary>
internal sealed record SimFaults(double DropRate = 0, double DuplicateRate = 0, int MaxDelayMs = 2)
{
    public static readonly SimFaults None = new();
}

/// <summary>
/// Routers' state machines on one fake clock, joined by a simulated NATS: every published message
/// reaches the subject's subscribers after a random delay, possibly out of order, possibly lost or
/// twice (<see cref="SimFaults"/>); a router cut off neither sends nor hears. Everything runs on the
/// test's thread, step by step, so a run is a function of its seed.
/// </summary>
internal sealed class SimNetwork(int seed, SimFaults faults)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(5);

    private readonly Random _random = new(seed);
    private readonly PriorityQueue<(SimRouter To, byte[] Message), (long At, long Order)> _inFlight = new();
    private readonly List<SimRouter> _routers = [];
    private long _order;
    private long _nextTick;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public SimFaults Faults { get; set; } = faults;

    /// <summary>When set, decides per message (from, to, bytes) whether it is lost: for tests that lose one message on purpose.</summary>
    public Func<SimRouter, SimRouter, byte[], bool>? Lose { get; set; }

    /// <summary>When set, every message, operation and log line, to read when a case fails (set HYDRA_SIM_TRACE=file to write it out).</summary>
    public List<string>? Trace { get; set; }

    public void Note(string line) => Trace?.Add($"{Clock.GetUtcNow():ss.fff} {line}");

    public IReadOnlyList<SimRouter> Routers => _routers;

    public static ClusterOptions Options(string routerId) => new()
    {
        Urls = "nats://sim:4222",
        Name = "sim",
        RouterId = routerId,
        ForgetAfter = TimeSpan.FromSeconds(5),
    };

    public SimRouter Add(string routerId)
    {
        var router = new SimRouter(this, Options(routerId));
        _routers.Add(router);
        router.Start();
        return router;
    }

    /// <summary>A router's message on <paramref name="subject"/>, to every router subscribed to it.</summary>
    public void Publish(SimRouter from, string subject, byte[] message)
    {
        if (Trace is not null)
        {
            Note($"{from.Id}{(from.Cut ? " (cut)" : "")} → {subject}: {Describe(message)}");
        }
        if (from.Cut)
        {
            return;
        }
        foreach (var to in _routers)
        {
            if (!to.Subscribes(subject) || _random.NextDouble() < Faults.DropRate || Lose?.Invoke(from, to, message) == true)
            {
                continue;
            }
            Enqueue(to, message);
            if (_random.NextDouble() < Faults.DuplicateRate)
            {
                Enqueue(to, message);
            }
        }
    }

    private static string Describe(byte[] message)
    {
        if (!LinkWire.TryReadHeader(message, out var header, out var body))
        {
            return "unreadable";
        }
        var text = $"{header.Kind} from {System.Text.Encoding.ASCII.GetString(header.From)}/{header.FromIncarnation % 100000} to {header.ToIncarnation % 100000}";
        if (header.Kind == MessageKind.Data && LinkWire.TryReadData(body, out var data, out var entries))
        {
            var kinds = new List<string>();
            for (var i = 0; i < data.Count && LinkWire.TryReadEntry(ref entries, out var kind, out _); i++)
            {
                kinds.Add(kind.ToString());
            }
            text += $" session {data.Session} seq {data.FirstSeq}+{data.Count} last {data.LastSeq} ack {data.AckSession}:{data.AckUpTo} [{string.Join(",", kinds)}]";
        }
        else if (header.Kind == MessageKind.Nak && LinkWire.TryReadNak(body, out var session, out var expected))
        {
            text += $" session {session} expected {expected}";
        }
        return text;
    }

    private void Enqueue(SimRouter to, byte[] message)
    {
        var at = Clock.GetTimestamp() + (long)(_random.Next(0, Faults.MaxDelayMs + 1) * (Clock.TimestampFrequency / 1000.0));
        _inFlight.Enqueue((to, message), (at, _order++));
    }

    /// <summary>Lets <paramref name="duration"/> pass: messages arrive when due, routers tick, and flush after each step.</summary>
    public void Run(TimeSpan duration)
    {
        var end = Clock.GetUtcNow() + duration;
        while (Clock.GetUtcNow() < end)
        {
            Clock.Advance(Step);
            var now = Clock.GetTimestamp();
            while (_inFlight.TryPeek(out var item, out var due) && due.At <= now)
            {
                _inFlight.Dequeue();
                if (!item.To.Cut)
                {
                    if (Trace is not null)
                    {
                        Note($"  {item.To.Id} ← {Describe(item.Message)}");
                    }
                    item.To.Receive(item.Message);
                }
            }
            if (now >= _nextTick)
            {
                _nextTick = now + (long)(SimNetwork.Options("x").TickInterval.TotalSeconds * Clock.TimestampFrequency);
                foreach (var router in _routers)
                {
                    router.Tick();
                }
            }
            foreach (var router in _routers)
            {
                router.Flush();
            }
        }
    }
}
