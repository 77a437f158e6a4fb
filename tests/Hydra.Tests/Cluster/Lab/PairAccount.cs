using System.Globalization;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// The accounting for one sender→target pair: every number sent must have been delivered exactly
/// once, in order, or been named by an error its sender got. A number may be both delivered and
/// answered, but only with a code that does not claim it was not delivered (the "delivery not
/// confirmed" code issue 16 asks for); "lost silently" is sent, never delivered, never answered.
/// </summary>
internal sealed class PairAccount
{
    /// <summary>Codes that say the message was not delivered (docs/protocol.md); any other code may have been delivered after all.</summary>
    private static readonly HashSet<string> Refusals = ["bad_message", "unknown_target", "sender_mismatch", "unknown_method", "busy", "cluster_unavailable", "unauthorized", "too_large"];

    private readonly TrafficSummary _sender;
    private readonly HeardFrom _heard;
    private readonly bool[] _delivered; // index = number, 1..Sent
    private readonly bool[] _answered;
    private readonly List<(DateTimeOffset At, string Code, int Number)> _errors;

    private PairAccount(TrafficSummary sender, HeardFrom heard)
    {
        _sender = sender;
        _heard = heard;
        _delivered = new bool[sender.Sent + 1];
        _answered = new bool[sender.Sent + 1];
        foreach (var range in heard.Numbers)
        {
            for (var n = range[0]; n <= Math.Min(range[1], sender.Sent); n++)
            {
                _delivered[n] = true;
            }
        }
        _errors = [.. sender.Errors.SelectMany(e => e.Value.Select(v => (DateTimeOffset.FromUnixTimeMilliseconds(v[0]), e.Key, (int)v[1]))).OrderBy(e => e.Item1)];
        foreach (var error in _errors.Where(e => e.Number <= sender.Sent))
        {
            _answered[error.Number] = true;
        }
        DeliveredDespiteRefusal = _errors.Where(e => Refusals.Contains(e.Code) && e.Number <= sender.Sent && _delivered[e.Number]).Select(e => e.Number).Distinct().Count();
    }

    public string Name => $"{_sender.Id}→{_sender.Target}";
    public double Rate => _sender.Rate;

    /// <summary>Messages a second the sender actually sent, from start to stop.</summary>
    public double SentPerSecond => _sender is { StartedMs: { } started, StoppedMs: { } stopped } && stopped > started ? Sent * 1000.0 / (stopped - started) : 0;

    public int Sent => _sender.Sent;
    public int Delivered => _delivered.Count(d => d);
    public int Dups => _heard.Dups;
    public int OutOfOrder => _heard.OutOfOrder;

    /// <summary>Numbers delivered although their sender was told they were not (busy, unknown_target, …).</summary>
    public int DeliveredDespiteRefusal { get; }

    /// <summary>Errors that named a number already named by an earlier error.</summary>
    public int ErrorRepeats => _sender.ErrorRepeats;

    public IReadOnlyDictionary<string, int> ErrorsByCode => _errors.GroupBy(e => e.Code).ToDictionary(g => g.Key, g => g.Count());

    public IEnumerable<int> LostSilently => Enumerable.Range(1, Sent).Where(n => !_delivered[n] && !_answered[n]);

    public static PairAccount Of(TrafficSummary sender, TrafficSummary target) =>
        new(sender, target.Heard.GetValueOrDefault(sender.Id) ?? HeardFrom.Nothing);

    /// <summary>Numbers sent before <paramref name="time"/> and lost silently.</summary>
    public int LostSilentlyBefore(DateTimeOffset time)
    {
        var firstAfter = _sender.FirstNumberSentAtOrAfter(time);
        return LostSilently.Count(n => n < firstAfter);
    }

    /// <summary>How long after <paramref name="time"/> the sender got its first error (null: none since).</summary>
    public TimeSpan? FirstErrorAfter(DateTimeOffset time)
    {
        var first = _errors.FindIndex(e => e.At >= time);
        return first < 0 ? null : _errors[first].At - time;
    }

    public int ErrorsBefore(DateTimeOffset time) => _errors.Count(e => e.At < time);

    /// <summary>
    /// How long after <paramref name="heal"/> messages were delivered again, each once and with no
    /// more errors: from the heal until the first message of the clean run that lasts to the end
    /// arrived. Null when no such run of at least a second of sending came before the end.
    /// </summary>
    public TimeSpan? SteadyAfter(DateTimeOffset heal)
    {
        var lastBad = Enumerable.Range(1, Sent).LastOrDefault(n => !_delivered[n] || _answered[n]);
        var cleanFrom = lastBad + 1;
        if (cleanFrom > Sent || _sender.SentAt(cleanFrom) is not { } sentAt || _sender.StoppedMs is not { } stopped
            || DateTimeOffset.FromUnixTimeMilliseconds(stopped) - sentAt < TimeSpan.FromSeconds(1))
        {
            return null;
        }
        return _heard.ArrivedBy(cleanFrom) is { } arrived && arrived > heal ? arrived - heal : TimeSpan.Zero;
    }

    /// <summary>One readable line: what was sent, what became of it, and whether the sending peer kept its rate.</summary>
    public override string ToString()
    {
        var lost = LostSilently.ToList();
        var errors = ErrorsByCode.Count == 0 ? "none" : string.Join(", ", ErrorsByCode.OrderByDescending(e => e.Value)
            .Select(e => $"{e.Key} {N(e.Value)}{Ranges([.. _errors.Where(x => x.Code == e.Key).Select(x => x.Number).Distinct().Order()], 3)}"));
        var line = $"{Name}: sent {N(Sent)}, delivered {N(Delivered)}, errors {errors}; lost silently {N(lost.Count)}{Ranges(lost, 6)}, dups {N(Dups)}, out of order {N(OutOfOrder)}";
        if (DeliveredDespiteRefusal > 0 || ErrorRepeats > 0)
        {
            line += $"; delivered despite a refusal {N(DeliveredDespiteRefusal)}, errors repeated {N(ErrorRepeats)}";
        }
        if (_sender.UnnamedErrors.Length > 0)
        {
            line += $"; {N(_sender.UnnamedErrors.Length)} errors that name none of {_sender.Id}'s messages"; // counted nowhere else: shown so they are not missed
        }
        var behind = _sender.MaxBacklog / _sender.Rate;
        return line + $" (sender at most {behind * 1000:0} ms behind its {N((int)_sender.Rate)}/s{(_sender.SendBlocked > 0 ? $", blocked {N(_sender.SendBlocked)} times" : "")})";
    }

    /// <summary>" (numbers 8,001–26,300, 26,302, …)": the first few runs of consecutive numbers.</summary>
    private static string Ranges(List<int> numbers, int most)
    {
        var ranges = new List<string>();
        var i = 0;
        while (i < numbers.Count && ranges.Count < most)
        {
            var first = numbers[i];
            while (i + 1 < numbers.Count && numbers[i + 1] == numbers[i] + 1)
            {
                i++;
            }
            ranges.Add(first == numbers[i] ? N(first) : $"{N(first)}–{N(numbers[i])}");
            i++;
        }
        return ranges.Count == 0 ? "" : $" (numbers {string.Join(", ", ranges)}{(i < numbers.Count ? ", …" : "")})";
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
