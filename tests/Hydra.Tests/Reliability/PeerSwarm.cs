using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Many light peers in one test thread: each has a main and a heartbeat DEALER, as a HydraMQ
/// does, but all sockets sit on one NetMQPoller (a HydraMQ would cost a thread each).
/// Heartbeats go out on a timer; sends are queued onto the poller, the only thread touching the sockets.
/// </summary>
internal sealed class PeerSwarm : IDisposable
{
    private readonly Peer[] _peers;
    private readonly NetMQPoller _poller;
    private readonly NetMQQueue<Action> _commands = new();
    private readonly NetMQTimer _heartbeats;
    private readonly MessageLedger _ledger;

    /// <param name="prefix">Identities are PREFIX-0000, PREFIX-0001, …: swarms on several routers need different ones.</param>
    public PeerSwarm(int count, int port, int heartbeatPort, TimeSpan heartbeatInterval, MessageLedger ledger, string prefix = "swarm")
    {
        _ledger = ledger;
        _peers = [.. Enumerable.Range(0, count).Select(i => new Peer($"{prefix}-{i:D4}", port, heartbeatPort, this))];
        _heartbeats = new NetMQTimer(heartbeatInterval);
        _heartbeats.Elapsed += (_, _) => HeartbeatAll();
        _commands.ReceiveReady += (_, _) =>
        {
            while (_commands.TryDequeue(out var command, TimeSpan.Zero))
            {
                command();
            }
        };
        _poller = [_commands, _heartbeats];
        foreach (var peer in _peers)
        {
            _poller.Add(peer.Main);
            _poller.Add(peer.Heartbeat);
        }
        _poller.RunAsync("PeerSwarm", isBackgroundThread: true);
        _commands.Enqueue(HeartbeatAll); // the first round now
    }

    public IReadOnlyList<string> Identities => [.. _peers.Select(p => p.Identity)];

    /// <summary>Peers that have had at least <paramref name="replies"/> heartbeat replies.</summary>
    public int WithHeartbeatReplies(int replies) => _peers.Count(p => Volatile.Read(ref p.HeartbeatReplies) >= replies);

    public int MinHeartbeatReplies => _peers.Min(p => Volatile.Read(ref p.HeartbeatReplies));

    /// <summary>Peers whose ping to the router (on the main socket) got its pong.</summary>
    public int Ponged => _peers.Count(p => Volatile.Read(ref p.Pongs) > 0);

    /// <summary>Error replies received (there should be none).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>The last <c>clients</c> reply received by peer 0.</summary>
    public JsonObject? Clients { get; private set; }

    public void PingAll() => _commands.Enqueue(() =>
    {
        foreach (var peer in _peers)
        {
            peer.Send(peer.Main, "HydraRouter", "ping", "{}");
        }
    });

    public void AskForClients() => _commands.Enqueue(() => _peers[0].Send(_peers[0].Main, "HydraRouter", "clients", "{}"));

    /// <summary>Each peer sends <paramref name="perPeer"/> messages to targets picked from <paramref name="targets"/> (never itself).</summary>
    public void SendRandom(int perPeer, IReadOnlyList<string> targets, Random random) => _commands.Enqueue(() =>
    {
        for (var round = 0; round < perPeer; round++)
        {
            foreach (var peer in _peers)
            {
                string target;
                do
                {
                    target = targets[random.Next(targets.Count)];
                }
                while (target == peer.Identity);
                var n = _ledger.Sent(peer.Identity, target);
                peer.Send(peer.Main, target, "load", $$"""{"n":{{n}}}""");
            }
        }
    });

    public void Dispose()
    {
        _poller.Stop();
        _poller.Dispose();
        foreach (var peer in _peers)
        {
            peer.Main.Dispose();
            peer.Heartbeat.Dispose();
        }
        _commands.Dispose();
    }

    private void HeartbeatAll()
    {
        foreach (var peer in _peers)
        {
            peer.Send(peer.Heartbeat, "HydraRouter", "heartbeat", "{}");
        }
    }

    private sealed class Peer
    {
        public readonly string Identity;
        public readonly DealerSocket Main;
        public readonly DealerSocket Heartbeat;
        public int HeartbeatReplies;
        public int Pongs;
        private readonly PeerSwarm _swarm;

        public Peer(string identity, int port, int heartbeatPort, PeerSwarm swarm)
        {
            Identity = identity;
            _swarm = swarm;
            Main = Connect(identity, port);
            Heartbeat = Connect(identity, heartbeatPort);
            Main.ReceiveReady += (_, _) => Drain(Main);
            Heartbeat.ReceiveReady += (_, _) => Drain(Heartbeat);
        }

        public void Send(DealerSocket socket, string target, string method, string payload)
        {
            var frame = Encoding.UTF8.GetBytes($$"""{"sender":"{{Identity}}","target":"{{target}}","method":"{{method}}","payload":{{payload}},"protocol_version":1}""");
            if (!socket.TrySendFrame(TimeSpan.Zero, frame))
            {
                _swarm.Errors.Enqueue($"{Identity}: own queue full, {method} to {target} not sent");
            }
        }

        private void Drain(DealerSocket socket)
        {
            while (socket.TryReceiveFrameString(TimeSpan.Zero, out var json))
            {
                var message = JsonNode.Parse(json)!.AsObject();
                switch ((string?)message["method"])
                {
                    case "heartbeat_reply":
                        Interlocked.Increment(ref HeartbeatReplies);
                        break;
                    case "pong":
                        Interlocked.Increment(ref Pongs);
                        break;
                    case "clients":
                        _swarm.Clients = message;
                        break;
                    case "load":
                        _swarm._ledger.Received(Identity, (string)message["sender"]!, (long)message["payload"]!["n"]!);
                        break;
                    default:
                        _swarm.Errors.Enqueue($"{Identity} got {json}");
                        break;
                }
            }
        }

        private static DealerSocket Connect(string identity, int port)
        {
            var socket = new DealerSocket();
            socket.Options.Identity = Encoding.UTF8.GetBytes(identity);
            socket.Options.Linger = TimeSpan.Zero;
            socket.Connect($"tcp://127.0.0.1:{port}");
            return socket;
        }
    }
}

/// <summary>Every load message sent and received, by number, so a lost, duplicated or misdelivered one is named.</summary>
internal sealed class MessageLedger
{
    private readonly ConcurrentDictionary<long, (string From, string To)> _inFlight = new();
    private readonly ConcurrentQueue<string> _wrong = new();
    private long _next;
    private long _received;

    public long SentCount => Volatile.Read(ref _next);
    public long ReceivedCount => Volatile.Read(ref _received);
    public IEnumerable<string> Wrong => _wrong;
    public IEnumerable<string> Missing => _inFlight.Select(kv => $"#{kv.Key} {kv.Value.From} -> {kv.Value.To}");

    public long Sent(string from, string to)
    {
        var n = Interlocked.Increment(ref _next);
        _inFlight[n] = (from, to);
        return n;
    }

    public void Received(string at, string from, long n)
    {
        if (_inFlight.TryRemove(n, out var expected) && expected == (from, at))
        {
            Interlocked.Increment(ref _received);
        }
        else
        {
            _wrong.Enqueue($"#{n} from {from} arrived at {at}, expected {(expected.From is null ? "nothing (duplicate?)" : $"{expected.From} -> {expected.To}")}");
        }
    }
}
