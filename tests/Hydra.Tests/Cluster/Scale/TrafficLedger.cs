using System.Collections.Concurrent;

namespace Hydra.Tests.Cluster.Scale;

/// <summary>
/// Every numbered message sent between the swarm's peers, and what became of it: delivered (to
/// its target, how often) or answered with an error (which code, how often). A message is settled
/// by its first delivery or answer; a peer moves only when everything to and from it is settled.
/// "Lost silently" is sent and never delivered nor answered. Thread-safe: the readers of 6,000
/// connections write into it at once.
/// </summary>
internal sealed class TrafficLedger(int capacity, int peers)
{
    /// <summary>Codes that say the message was not delivered (docs/protocol.md): delivered as well would be a lie.</summary>
    private static readonly HashSet<string> Refusals = ["bad_message", "unknown_target", "sender_mismatch", "unknown_method", "busy", "cluster_unavailable", "unauthorized", "too_large"];

    private readonly int[] _from = new int[capacity + 1];
    private readonly int[] _to = new int[capacity + 1];
    private readonly byte[] _kind = new byte[capacity + 1];
    private readonly int[] _settled = new int[capacity + 1];
    private readonly int[] _deliveries = new int[capacity + 1];
    private readonly int[] _answers = new int[capacity + 1];
    private readonly string?[] _code = new string?[capacity + 1];
    private readonly int[] _outstandingFrom = new int[peers];
    private readonly int[] _outstandingTo = new int[peers];
    private readonly ConcurrentDictionary<string, int> _errorsByCode = new();
    private readonly ConcurrentQueue<string> _wrong = new();
    private int _next;

    public int Sent => Volatile.Read(ref _next);

    public int Outstanding => Sent - Volatile.Read(ref _settledCount);

    private int _settledCount;

    /// <summary>Misdelivered messages, answers to the wrong sender, numbers never sent.</summary>
    public IReadOnlyCollection<string> Wrong => _wrong;

    public IReadOnlyDictionary<string, int> ErrorsByCode => _errorsByCode;

    /// <summary>Messages sent to or by <paramref name="peer"/> that are not settled yet.</summary>
    public int OutstandingFor(int peer) => Volatile.Read(ref _outstandingFrom[peer]) + Volatile.Read(ref _outstandingTo[peer]);

    /// <summary>A new message from <paramref name="from"/> to <paramref name="to"/>; its number. Called by one thread at a time.</summary>
    /// <param name="from">The sending peer.</param>
    /// <param name="to">The target peer.</param>
    /// <param name="kind">What the test calls it (a tally can be split by it).</param>
    public int Register(int from, int to, byte kind = 0)
    {
        var n = _next + 1;
        if (n > capacity)
        {
            throw new InvalidOperationException($"the ledger holds {capacity} messages");
        }
        _from[n] = from;
        _to[n] = to;
        _kind[n] = kind;
        Interlocked.Increment(ref _outstandingFrom[from]);
        Interlocked.Increment(ref _outstandingTo[to]);
        Volatile.Write(ref _next, n);
        return n;
    }

    /// <summary>A message could not even be written to its sender's connection: it was never sent.</summary>
    public void Withdraw(int n)
    {
        _answers[n] = -1;
        _code[n] = "(not sent)";
        Settle(n);
    }

    public void Delivered(long n, int at)
    {
        if (n < 1 || n > Sent)
        {
            _wrong.Enqueue($"#{n} arrived at peer {at}, but no such message was sent");
            return;
        }
        var i = (int)n;
        if (_to[i] != at)
        {
            _wrong.Enqueue($"#{n} ({_from[i]} → {_to[i]}) arrived at peer {at}");
            return;
        }
        Interlocked.Increment(ref _deliveries[i]);
        Settle(i);
    }

    public void Answered(long n, int at, string code)
    {
        if (n < 1 || n > Sent || _from[(int)n] != at)
        {
            _wrong.Enqueue($"an error ({code}) for #{n} came to peer {at}, which did not send it");
            return;
        }
        var i = (int)n;
        _code[i] = code;
        Interlocked.Increment(ref _answers[i]);
        _errorsByCode.AddOrUpdate(code, 1, (_, count) => count + 1);
        Settle(i);
    }

    private void Settle(int n)
    {
        if (Interlocked.Exchange(ref _settled[n], 1) == 0)
        {
            Interlocked.Decrement(ref _outstandingFrom[_from[n]]);
            Interlocked.Decrement(ref _outstandingTo[_to[n]]);
            Interlocked.Increment(ref _settledCount);
        }
    }

    /// <summary>What became of messages <paramref name="first"/> to <paramref name="last"/>: read once everything has settled, or the wait for it gave up.</summary>
    public LedgerTally Tally(int first, int last, int? kind = null)
    {
        var tally = new LedgerTally();
        for (var n = first; n <= last; n++)
        {
            if (kind is { } only && _kind[n] != only)
            {
                continue;
            }
            if (_answers[n] < 0)
            {
                tally.NotSent++;
                continue;
            }
            tally.Sent++;
            var delivered = _deliveries[n];
            var answered = _answers[n];
            if (delivered > 0)
            {
                tally.Delivered++;
            }
            if (delivered > 1)
            {
                tally.Twice.Add(n);
            }
            if (answered > 0)
            {
                tally.Answered++;
                tally.ByCode[_code[n]!] = tally.ByCode.GetValueOrDefault(_code[n]!) + 1;
            }
            if (answered > 1)
            {
                tally.AnsweredTwice.Add(n);
            }
            if (delivered > 0 && answered > 0 && Refusals.Contains(_code[n]!))
            {
                tally.DeliveredDespiteRefusal.Add(n);
            }
            if (delivered == 0 && answered == 0)
            {
                tally.LostSilently.Add(n);
            }
        }
        return tally;
    }

    /// <summary>"#12 (p0003 → p0871)", for messages a test names.</summary>
    public string Describe(int n, Func<int, string> name) => $"#{n} ({name(_from[n])} → {name(_to[n])})";
}

internal sealed class LedgerTally
{
    public int Sent { get; set; }

    public int NotSent { get; set; }

    public int Delivered { get; set; }

    public int Answered { get; set; }

    public Dictionary<string, int> ByCode { get; } = [];

    public List<int> LostSilently { get; } = [];

    public List<int> Twice { get; } = [];

    public List<int> AnsweredTwice { get; } = [];

    public List<int> DeliveredDespiteRefusal { get; } = [];

    public string Codes => ByCode.Count == 0 ? "none" : string.Join(", ", ByCode.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:N0}"));

    public override string ToString() =>
        $"sent {Sent:N0}, delivered {Delivered:N0}, answered with an error {Answered:N0} ({Codes}); lost silently {LostSilently.Count}, " +
        $"delivered twice {Twice.Count}, delivered despite a refusal {DeliveredDespiteRefusal.Count}, answered twice {AnsweredTwice.Count}" +
        (NotSent > 0 ? $"; {NotSent} could not be written to their sender's connection" : "");
}
