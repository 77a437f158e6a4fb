using System.Globalization;
using System.Text;
using Hydra.Cluster;
using Hydra.Cluster.State;
using Hydra.Protocol;

namespace Hydra.Tests.Cluster.State;

/// <summary>One message a peer sent across the cluster, and everything that became of it.</summary>
internal sealed class SimMessage(int id, SimConnection from, string target, long sentAt)
{
    public int Id { get; } = id;

    public SimConnection From { get; } = from;

    public string Target { get; } = target;

    public long SentAt { get; } = sentAt;

    public List<SimConnection> DeliveredTo { get; } = [];

    /// <summary>When it was delivered, among all deliveries (0: not delivered).</summary>
    public long DeliveredOrder { get; set; }

    public List<(HydraErrorCode Code, string Detail)> Answers { get; } = [];

    /// <summary>Its sender's router died before anything became of it: nobody is left to tell.</summary>
    public bool SenderGone { get; set; }

    public override string ToString() =>
        $"#{Id} {From} → {Target}: delivered to [{string.Join(", ", DeliveredTo)}], answered [{string.Join(", ", Answers.Select(a => $"{a.Code.ToWire()}: {a.Detail}"))}]";
}

/// <summary>
/// The peers of a simulated cluster and the truth about them: which connections exist where, what
/// was sent, delivered and answered. Operations act on the routers as the routing rules would;
/// <see cref="Check"/> says what the cluster got wrong.
/// </summary>
internal sealed class SimWorld
{
    private readonly SimNetwork _network;
    private readonly Dictionary<int, SimMessage> _messages = [];
    private readonly List<SimConnection> _connections = [];
    private readonly HashSet<string> _movedPeers = [];
    private readonly HashSet<SimRouter> _troubled = [];
    private int _nextMessage;
    private int _nextConnection;
    private long _deliveries;

    public SimWorld(SimNetwork network)
    {
        _network = network;
        foreach (var router in network.Routers)
        {
            router.World = this;
        }
    }

    public IEnumerable<SimMessage> Messages => _messages.Values;

    public static int IdOf(ReadOnlySpan<byte> frame)
    {
        FrameInspector.Inspect(frame, out var header);
        return int.Parse(header.Id.Bytes(frame), CultureInfo.InvariantCulture);
    }

    private long Now => _network.Clock.GetTimestamp();

    private SimConnection? Latest(string peer) =>
        _connections.LastOrDefault(connection => connection.Peer == peer && !connection.Closed);

    /// <summary>A new connection of <paramref name="peer"/> on <paramref name="router"/>; one it had there is replaced (ZeroMQ's handover), one elsewhere stays (and loses the name).</summary>
    public void Connect(string peer, SimRouter router)
    {
        if (router.Connections.TryGetValue(peer, out var previous) && !previous.Closed)
        {
            Close(previous);
        }
        if (_connections.Any(connection => connection.Peer == peer && connection.Router != router))
        {
            _movedPeers.Add(peer);
        }
        var connection = new SimConnection(++_nextConnection, peer, router, router.Node.Claim(Encoding.UTF8.GetBytes(peer), key: null), Now);
        _network.Note($"connect {connection} ({connection.Hold.State})");
        router.Connections[peer] = connection;
        _connections.Add(connection);
    }

    public void Disconnect(string peer)
    {
        if (Latest(peer) is { } connection)
        {
            Close(connection);
        }
    }

    private void Close(SimConnection connection)
    {
        _network.Note($"close {connection}");
        connection.Closed = true;
        connection.Router.Node.Release(connection.Hold);
    }

    /// <summary>The sender's latest connection sends to <paramref name="target"/>, as the routing rules would: locally if the target is held here, else across.</summary>
    public void Send(string sender, string target)
    {
        if (Latest(sender) is not { Hold.IsHeld: true } from || sender == target)
        {
            return; // no connection, or one refused as taken: nothing goes anywhere
        }
        var message = new SimMessage(++_nextMessage, from, target, Now);
        _messages[message.Id] = message;
        var router = from.Router;
        if (router.Connections.TryGetValue(target, out var local) && !local.Closed && local.Hold.IsHeld)
        {
            Delivered(message.Id, local);
            return;
        }
        var frame = Encoding.UTF8.GetBytes(
            $$"""{"sender":"{{sender}}","target":"{{target}}","method":"m","id":"{{message.Id}}","payload":{},"protocol_version":1}""");
        var outcome = router.Node.Send(Encoding.UTF8.GetBytes(target), frame, out var problem);
        _network.Note($"send #{message.Id} {from} → {target}: {outcome} {problem}");
        if (outcome != FederationSend.Sent)
        {
            message.Answers.Add((outcome switch
            {
                FederationSend.UnknownTarget => HydraErrorCode.UnknownTarget,
                FederationSend.Busy => HydraErrorCode.Busy,
                FederationSend.TooLarge => HydraErrorCode.TooLarge,
                _ => HydraErrorCode.ClusterUnavailable,
            }, problem!));
        }
    }

    /// <summary>SIGKILL and a start again: its peers' connections die with it.</summary>
    public void Crash(SimRouter router)
    {
        _network.Note($"crash {router.Id}");
        _troubled.Add(router);
        foreach (var connection in _connections.Where(connection => connection.Router == router))
        {
            connection.Closed = true;
        }
        foreach (var message in _messages.Values.Where(m => m.From.Router == router && m.DeliveredTo.Count == 0 && m.Answers.Count == 0))
        {
            message.SenderGone = true;
        }
        router.Restart();
    }

    /// <summary>Cuts a router off NATS, or heals it; <paramref name="noticed"/>: its connection closes (and opens again), as when a NATS server dies, instead of going silent.</summary>
    public void SetCut(SimRouter router, bool cut, bool noticed = false)
    {
        _troubled.Add(router);
        router.Cut = cut;
        if (noticed)
        {
            router.Node.ConnectionChanged(!cut, cut ? "lost its NATS connection" : "connected");
        }
        _network.Note($"{(cut ? "cut" : "heal")} {router.Id}{(noticed ? " (noticed)" : "")}");
    }

    public void Delivered(int id, SimConnection to)
    {
        _messages[id].DeliveredTo.Add(to);
        _messages[id].DeliveredOrder = ++_deliveries;
        _network.Note($"delivered #{id} to {to}");
    }

    public void Answered(int id, HydraErrorCode code, string detail)
    {
        _messages[id].Answers.Add((code, detail));
        _network.Note($"answered #{id}: {code.ToWire()} {detail}");
    }

    /// <summary>
    /// After the network healed and settled: every message delivered once, or answered once (both only
    /// when the answer is not_confirmed); in order per sender and target where the target never moved;
    /// never unknown_target for a name held all along on an untroubled router; and every router
    /// agreeing that each peer's newest connection holds its name.
    /// </summary>
    public List<string> Check()
    {
        var problems = new List<string>();
        foreach (var message in _messages.Values.Where(m => !m.SenderGone))
        {
            if (message.DeliveredTo.Count > 1)
            {
                problems.Add($"delivered twice: {message}");
            }
            if (message.Answers.Count > 1)
            {
                problems.Add($"answered twice: {message}");
            }
            if (message.DeliveredTo.Count + message.Answers.Count == 0)
            {
                problems.Add($"lost silently: {message}");
            }
            if (message.DeliveredTo.Count == 1 && message.Answers.Count == 1 && message.Answers[0].Code != HydraErrorCode.NotConfirmed)
            {
                problems.Add($"delivered and refused: {message}");
            }
            if (message.Answers.Any(a => a.Code == HydraErrorCode.UnknownTarget) && HeldAllAlong(message))
            {
                problems.Add($"unknown_target for a name held all along: {message}");
            }
        }
        CheckOrder(problems);
        CheckHolders(problems);
        return problems;
    }

    /// <summary>
    /// Whether the target had a connection since well before the message (a claim takes a NATS hop
    /// to arrive, and a resend if it was lost: a second is plenty), still open at the end, on a
    /// router that was never cut off or killed; and the sender's router was never cut off either
    /// (cut off, it cannot hear of new names until it notices).
    /// </summary>
    private bool HeldAllAlong(SimMessage message) =>
        !_troubled.Contains(message.From.Router) && _connections.Any(c => c.Peer == message.Target && !c.Closed && _network.Clock.GetElapsedTime(c.OpenedAt, message.SentAt) > TimeSpan.FromSeconds(1)
            && !_troubled.Contains(c.Router) && !_movedPeers.Contains(c.Peer));

    private void CheckOrder(List<string> problems)
    {
        foreach (var pair in _messages.Values.Where(m => !_movedPeers.Contains(m.Target) && m.DeliveredTo.Count == 1)
                     .GroupBy(m => (m.From, m.DeliveredTo[0])))
        {
            var ids = pair.OrderBy(m => m.DeliveredOrder).Select(m => m.Id).ToList();
            if (!ids.SequenceEqual(ids.Order()))
            {
                problems.Add($"out of order from {pair.Key.From} to {pair.Key.Item2}: {string.Join(",", ids)}");
            }
        }
    }

    /// <summary>
    /// A peer's newest connection, if still open, holds the name and every router says so; older
    /// open ones lost it (they stay refused until they reconnect). When the newest has closed, at
    /// most one open connection holds the name, and every router agrees which.
    /// </summary>
    private void CheckHolders(List<string> problems)
    {
        foreach (var peer in _connections.Select(c => c.Peer).Distinct())
        {
            var newest = _connections.Where(c => c.Peer == peer).MaxBy(c => c.Hold.Stamp)!;
            var held = _connections.Where(c => c.Peer == peer && !c.Closed && c.Hold.IsHeld).ToList();
            if (!newest.Closed && (held.Count != 1 || held[0] != newest))
            {
                problems.Add($"{peer}: the newest connection {newest} is {newest.Hold.State}; held: [{string.Join(", ", held)}]");
            }
            if (held.Count > 1)
            {
                problems.Add($"{peer} is held by {held.Count} connections: {string.Join(", ", held)}");
            }
            var expected = held.Count == 1 ? held[0].Router.Id : null;
            foreach (var router in _network.Routers)
            {
                var entry = router.Node.Names.Find(Encoding.UTF8.GetBytes(peer));
                var holder = entry switch
                {
                    { LocalWins: true } => router.Id,
                    { Winner: { } winner } => winner.Link.Router,
                    _ => null,
                };
                if (holder != expected)
                {
                    problems.Add($"router {router.Id} believes {peer} is on {holder ?? "no router"}, not on {expected ?? "no router"}");
                }
            }
        }
    }
}
