using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hydra.Tests.Cluster.Scale;

/// <summary>A router of the cluster, as the swarm's peers see it.</summary>
internal sealed record SwarmPlace(string Router, int Port, int HeartbeatPort);

/// <summary>
/// Thousands of light peers (a main and a heartbeat connection each, <see cref="ZmtpDealer"/>)
/// spread over a cluster's routers, sending numbered messages to each other while some of them
/// keep moving: disconnect from one router, reconnect to another with the same name.
/// </summary>
/// <remarks>
/// A move is what a careful peer does: it stops sending, waits until everything it sent has been
/// delivered or answered and nothing addressed to it is still on its way (nobody sends to a peer
/// while it moves), asks its router for a pong on each connection (so the router has read all it
/// sent), closes both, connects to the other router, and is back once that router has answered
/// it (and so claimed its name). What a ZeroMQ connection holds when it closes is lost without a
/// word, with one router as with many (RELIABILITY.md, "A message in flight when a connection
/// drops is lost"); the careful move leaves nothing there, so every loss is the cluster's. The
/// moment of the claim itself is not spared: an arrival is greeted at once by one peer on every
/// router, while the other routers may not have heard the claim yet.
/// One driver thread decides what is sent and who moves, under one lock; the connections'
/// readers only record what arrives.
/// </remarks>
internal sealed class MovingSwarm : IDisposable
{
    /// <summary>Kinds of messages in the ledger.</summary>
    public const byte Traffic = 0, GreetingFromNewRouter = 1, GreetingFromOldRouter = 2, GreetingFromThirdRouter = 3, RollCallMessage = 4;

    private readonly SwarmPlace[] _places;
    private readonly Peer[] _peers;
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _asks = new();
    private readonly ConcurrentQueue<Peer> _arrived = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly List<Task> _moves = [];
    private readonly List<double> _moveMs = [];
    private int _asked;
    private int _movesUnderWay;
    private long _heartbeatReplies;
    private int _heartbeatCursor;
    private int _greetings;

    public MovingSwarm(IReadOnlyList<SwarmPlace> places, int peers, int seed, int ledgerCapacity = 2_000_000)
    {
        _places = [.. places];
        _random = new Random(seed);
        _peers = [.. Enumerable.Range(0, peers).Select(i => new Peer(i, $"p{i:D4}", i % places.Count))];
        Ledger = new TrafficLedger(ledgerCapacity, peers);
    }

    public TrafficLedger Ledger { get; }

    /// <summary>Unexpected things: messages no peer should get, moves that failed; each a line.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    public int MovesDone
    {
        get
        {
            lock (_moveMs)
            {
                return _moveMs.Count;
            }
        }
    }

    public long HeartbeatReplies => Interlocked.Read(ref _heartbeatReplies);

    public int Greetings => _greetings;

    public string NameOf(int peer) => _peers[peer].Name;

    /// <summary>Where each peer is connected now: name → router id.</summary>
    public IReadOnlyDictionary<string, string> Placement
    {
        get
        {
            lock (_gate)
            {
                return _peers.ToDictionary(p => p.Name, p => _places[p.Place].Router);
            }
        }
    }

    /// <summary>Move durations in milliseconds (stop sending → answered by the new router): p50, p99, max.</summary>
    public (double P50, double P99, double Max) MoveTimes()
    {
        lock (_moveMs)
        {
            if (_moveMs.Count == 0)
            {
                return (0, 0, 0);
            }
            var sorted = _moveMs.Order().ToList();
            return (sorted[sorted.Count / 2], sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.99))], sorted[^1]);
        }
    }

    /// <summary>Every peer connects to its first router, both connections, and is answered on each.</summary>
    public async Task ConnectAllAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        // libzmq listens with a backlog of 100: more connections at once than that are dropped and retried a second later.
        using var slots = new SemaphoreSlim(32);
        await Task.WhenAll(_peers.Select(async peer =>
        {
            await slots.WaitAsync(timeout.Token);
            try
            {
                await ArriveAsync(peer, peer.Place, timeout.Token);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>
    /// Runs traffic for <paramref name="duration"/>: <paramref name="messagesPerSecond"/> numbered
    /// messages between random peers present, <paramref name="movesPerSecond"/> moves started (at
    /// most <paramref name="movesAtOnce"/> under way), a heartbeat from every peer each second.
    /// Returns once the time is up and every move has finished.
    /// </summary>
    public async Task RunAsync(TimeSpan duration, int messagesPerSecond, int movesPerSecond, int movesAtOnce)
    {
        var started = Stopwatch.GetTimestamp();
        var (sent, moved, beats) = (0L, 0L, 0L);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (Stopwatch.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync())
        {
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // A late tick catches up, a little at a time, so the rates hold on a busy machine.
            var messages = (int)Math.Min((long)(seconds * messagesPerSecond) - sent, messagesPerSecond / 10);
            var moves = (int)Math.Min((long)(seconds * movesPerSecond) - moved, Math.Max(1, movesPerSecond / 10));
            var heartbeats = (int)Math.Min((long)(seconds * _peers.Length) - beats, _peers.Length / 10);
            lock (_gate)
            {
                for (var i = 0; i < messages; i++)
                {
                    SendRandom();
                }
                Greet();
                for (var i = 0; i < heartbeats; i++)
                {
                    var peer = _peers[_heartbeatCursor++ % _peers.Length];
                    if (peer.State == PeerState.Present)
                    {
                        peer.Heartbeat!.TrySend(Frame(peer.Name, "HydraRouter", "heartbeat", "{}", null));
                    }
                }
                for (var i = 0; i < moves && Volatile.Read(ref _movesUnderWay) < movesAtOnce; i++)
                {
                    StartMove();
                }
            }
            (sent, moved, beats) = (sent + messages, moved + moves, beats + heartbeats);
        }
        Task[] moving;
        lock (_gate)
        {
            Greet();
            moving = [.. _moves];
        }
        await Task.WhenAll(moving).WaitAsync(TimeSpan.FromSeconds(30));
        lock (_gate)
        {
            Greet(); // those that arrived last
        }
    }

    /// <summary>One peer on each router sends a message to every other peer: each router's directory must know where everyone is.</summary>
    public void RollCall()
    {
        lock (_gate)
        {
            for (var place = 0; place < _places.Length; place++)
            {
                var caller = _peers.First(p => p.Place == place && p.State == PeerState.Present);
                foreach (var peer in _peers)
                {
                    if (peer != caller && peer.State == PeerState.Present)
                    {
                        SendLoad(caller, peer, RollCallMessage);
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (var peer in _peers)
        {
            peer.Main?.Dispose();
            peer.Heartbeat?.Dispose();
        }
    }

    private void SendRandom()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var from = _peers[_random.Next(_peers.Length)];
            var to = _peers[_random.Next(_peers.Length)];
            if (from != to && from.State == PeerState.Present && to.State == PeerState.Present)
            {
                SendLoad(from, to, Traffic);
                return;
            }
        }
    }

    /// <summary>Under the gate: each peer that just arrived gets a message at once from a peer on every router.</summary>
    private void Greet()
    {
        while (_arrived.TryDequeue(out var peer))
        {
            for (var place = 0; place < _places.Length; place++)
            {
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    var from = _peers[_random.Next(_peers.Length)];
                    if (from != peer && from.Place == place && from.State == PeerState.Present && peer.State == PeerState.Present)
                    {
                        SendLoad(from, peer, place == peer.Place ? GreetingFromNewRouter : place == peer.PreviousPlace ? GreetingFromOldRouter : GreetingFromThirdRouter);
                        _greetings++;
                        break;
                    }
                }
            }
        }
    }

    /// <summary>Under the gate.</summary>
    private void SendLoad(Peer from, Peer to, byte kind)
    {
        var n = Ledger.Register(from.Index, to.Index, kind);
        var number = n.ToString(CultureInfo.InvariantCulture);
        if (!from.Main!.TrySend(Frame(from.Name, to.Name, "load", $$"""{"n":{{number}}}""", number)))
        {
            Ledger.Withdraw(n);
            _problems.Enqueue($"{from.Name}: its connection to router {_places[from.Place].Router} was gone when it sent #{n}");
        }
    }

    /// <summary>Under the gate: a peer present stops being a target or a sender, and moves.</summary>
    private void StartMove()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var peer = _peers[_random.Next(_peers.Length)];
            if (peer.State == PeerState.Present)
            {
                peer.State = PeerState.Leaving;
                var to = (peer.Place + 1 + _random.Next(_places.Length - 1)) % _places.Length;
                Interlocked.Increment(ref _movesUnderWay);
                _moves.Add(Task.Run(() => MoveAsync(peer, to)));
                return;
            }
        }
    }

    private async Task MoveAsync(Peer peer, int to)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var step = "waiting for its messages to settle";
        try
        {
            while (Ledger.OutstandingFor(peer.Index) > 0)
            {
                await Task.Delay(1, timeout.Token);
            }
            step = "asking its router for a last answer";
            var answers = await Task.WhenAll(AskAsync(peer, peer.Main!, "ping", timeout.Token), AskAsync(peer, peer.Heartbeat!, "heartbeat", timeout.Token));
            if (answers[0] != "pong" || answers[1] != "heartbeat_reply")
            {
                _problems.Enqueue($"{peer.Name}: its router {_places[peer.Place].Router} answered {answers[0]} and {answers[1]} before it moved");
            }
            peer.Main!.Dispose();
            peer.Heartbeat!.Dispose();
            step = $"arriving at router {_places[to].Router}";
            await ArriveAsync(peer, to, timeout.Token);
            _arrived.Enqueue(peer);
            lock (_moveMs)
            {
                _moveMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            _problems.Enqueue($"{peer.Name}: a move from router {_places[peer.Place].Router} to {_places[to].Router} failed while {step}: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _movesUnderWay);
        }
    }

    /// <summary>Connects both of the peer's connections to <paramref name="place"/>, and waits for the router's answer on each: it has claimed the name.</summary>
    private async Task ArriveAsync(Peer peer, int place, CancellationToken cancellationToken)
    {
        var target = _places[place];
        var connecting = await Task.WhenAll(
            ZmtpDealer.ConnectAsync(target.Port, peer.NameBytes, body => OnMessage(peer, body.Span), cancellationToken),
            ZmtpDealer.ConnectAsync(target.HeartbeatPort, peer.NameBytes, body => OnMessage(peer, body.Span), cancellationToken));
        (peer.Main, peer.Heartbeat) = (connecting[0], connecting[1]);
        var answers = await Task.WhenAll(AskAsync(peer, peer.Main, "ping", cancellationToken), AskAsync(peer, peer.Heartbeat, "heartbeat", cancellationToken));
        if (answers[0] != "pong" || answers[1] != "heartbeat_reply")
        {
            _problems.Enqueue($"{peer.Name}: router {target.Router} answered {answers[0]} and {answers[1]} on arrival");
        }
        lock (_gate)
        {
            peer.PreviousPlace = peer.Place;
            peer.Place = place;
            peer.State = PeerState.Present;
        }
    }

    /// <summary>Sends <paramref name="method"/> to the router on <paramref name="via"/> and waits for the answer (its method, or "error:code").</summary>
    private async Task<string> AskAsync(Peer peer, ZmtpDealer via, string method, CancellationToken cancellationToken)
    {
        var id = "b" + Interlocked.Increment(ref _asked).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _asks[id] = answer;
        try
        {
            using var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
            // Sent once: the connection is up (the router's READY came), and a copy sent again
            // could reach the router after the peer has left it, and claim its name there anew.
            if (!via.TrySend(Frame(peer.Name, "HydraRouter", method, "{}", id)))
            {
                throw new IOException($"the connection closed before {method} went");
            }
            return await answer.Task;
        }
        finally
        {
            _asks.TryRemove(id, out _);
        }
    }

    /// <summary>A reader thread: what came to <paramref name="peer"/>.</summary>
    private void OnMessage(Peer peer, ReadOnlySpan<byte> json)
    {
        string? method = null, replyTo = null, code = null;
        long n = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("method"u8))
                {
                    reader.Read();
                    method = reader.GetString();
                }
                else if (reader.ValueTextEquals("reply_to"u8))
                {
                    reader.Read();
                    replyTo = reader.GetString();
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = reader.ValueTextEquals("n"u8) ? "n" : reader.ValueTextEquals("code"u8) ? "code" : null;
                        reader.Read();
                        if (name == "n" && reader.TokenType == JsonTokenType.Number)
                        {
                            n = reader.GetInt64();
                        }
                        else if (name == "code")
                        {
                            code = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            _problems.Enqueue($"{peer.Name} got something that is not JSON ({e.Message}): {Encoding.UTF8.GetString(json)}");
            return;
        }
        switch (method)
        {
            case "load":
                Ledger.Delivered(n, peer.Index);
                break;
            case "error" when long.TryParse(replyTo, CultureInfo.InvariantCulture, out var number):
                Ledger.Answered(number, peer.Index, code ?? "?");
                break;
            case "error" or "pong" or "heartbeat_reply" when replyTo is not null && _asks.TryRemove(replyTo, out var asked):
                asked.TrySetResult(method == "error" ? $"error:{code}" : method);
                break;
            case "heartbeat_reply":
                Interlocked.Increment(ref _heartbeatReplies);
                break;
            default:
                _problems.Enqueue($"{peer.Name} got {Encoding.UTF8.GetString(json)}");
                break;
        }
    }

    private static byte[] Frame(string sender, string target, string method, string payload, string? id) => Encoding.UTF8.GetBytes(id is null
        ? $$"""{"sender":"{{sender}}","target":"{{target}}","method":"{{method}}","payload":{{payload}},"protocol_version":1}"""
        : $$"""{"sender":"{{sender}}","target":"{{target}}","method":"{{method}}","payload":{{payload}},"protocol_version":1,"id":"{{id}}"}""");

    private enum PeerState
    {
        Away,
        Present,
        Leaving,
    }

    private sealed class Peer(int index, string name, int place)
    {
        public int Index { get; } = index;

        public string Name { get; } = name;

        public byte[] NameBytes { get; } = Encoding.ASCII.GetBytes(name);

        /// <summary>Where it is (or is going, while it arrives).</summary>
        public int Place { get; set; } = place;

        /// <summary>Where it was before its last move.</summary>
        public int PreviousPlace { get; set; } = place;

        public PeerState State { get; set; }

        public ZmtpDealer? Main { get; set; }

        public ZmtpDealer? Heartbeat { get; set; }
    }
}
