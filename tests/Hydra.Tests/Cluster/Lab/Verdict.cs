using System.Globalization;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// A scenario's expectations, checked all together: each prints the figure it measured, and
/// <see cref="Assert"/> fails once with every expectation that was not met, so one run shows the
/// whole picture rather than the first miss.
/// </summary>
internal sealed class Verdict
{
    private readonly ITestOutputHelper _output;
    private readonly TrafficResult _result;
    private readonly List<string> _misses = [];

    public Verdict(ITestOutputHelper output, string scenario, TrafficResult result)
    {
        _output = output;
        _result = result;
        output.WriteLine($"== {scenario}");
        foreach (var pair in result.Pairs)
        {
            output.WriteLine(pair.ToString());
        }
    }

    /// <summary>Every number delivered once and in order, or answered with an error that names it, and never refused while delivered, nor answered twice.</summary>
    public void NothingLostSilentlyTwiceOrOutOfOrder(PairAccount pair)
    {
        Expect(pair.LostSilently.Any() is false, $"{pair.Name}: {pair.LostSilently.Count()} messages lost silently");
        NothingTwiceOrOutOfOrder(pair);
    }

    /// <summary>For a pair whose sender's own router died: what it sent before <paramref name="time"/> is accounted for; what came later died with the router.</summary>
    public void NothingLostSilentlyBefore(PairAccount pair, DateTimeOffset time, string when)
    {
        var lost = pair.LostSilentlyBefore(time);
        _output.WriteLine($"{pair.Name}: {lost} lost silently of those sent {when}; {pair.LostSilently.Count() - lost} sent later died with the sender's router");
        Expect(lost == 0, $"{pair.Name}: {lost} messages sent {when} lost silently");
        NothingTwiceOrOutOfOrder(pair);
    }

    /// <summary>Nothing went wrong, so nobody was told anything went wrong.</summary>
    public void NoErrors(PairAccount pair)
    {
        var errors = pair.ErrorsByCode.Values.Sum();
        Expect(errors == 0, $"{pair.Name}: {errors} errors with nothing done to the cluster");
    }

    /// <summary>The sending peer itself kept 95 % of its rate (a peer starved of CPU would load the cluster less than the scenario says).</summary>
    public void SenderKeptItsRate(PairAccount pair)
    {
        _output.WriteLine($"{pair.Name}: sent {pair.SentPerSecond:0} a second of {pair.Rate:0}");
        Expect(pair.SentPerSecond >= 0.95 * pair.Rate, $"{pair.Name}: the sender kept only {pair.SentPerSecond:0} of its {pair.Rate:0} a second");
    }

    /// <summary>A target connected all along is never unknown_target.</summary>
    public void NeverUnknownTarget(PairAccount pair)
    {
        var unknown = pair.ErrorsByCode.GetValueOrDefault("unknown_target");
        Expect(unknown == 0, $"{pair.Name}: {unknown} unknown_target errors for a target connected all along");
    }

    /// <summary>After <paramref name="cut"/> the sender is answered within <paramref name="bound"/>: its router noticed.</summary>
    public void AnsweredWithin(PairAccount pair, string what, DateTimeOffset cut, TimeSpan bound)
    {
        var first = pair.FirstErrorAfter(cut);
        var before = pair.ErrorsBefore(cut);
        _output.WriteLine($"{pair.Name}: first error {Ms(first)} after {what}{(before > 0 ? $" ({before} errors before it)" : "")}");
        Expect(first <= bound, $"{pair.Name}: first error {Ms(first)} after {what}, not within {Ms(bound)}");
    }

    /// <summary>From <paramref name="heal"/> on, messages are delivered again, once, in order, with no more errors, within <paramref name="bound"/>.</summary>
    public void SteadyWithin(PairAccount pair, string what, DateTimeOffset heal, TimeSpan bound)
    {
        var steady = pair.SteadyAfter(heal);
        _output.WriteLine($"{pair.Name}: steady {Ms(steady)} after {what}");
        Expect(steady <= bound, $"{pair.Name}: steady {Ms(steady)} after {what}, not within {Ms(bound)}");
    }

    /// <summary>Prints a figure that is measured but not asserted.</summary>
    public void Note(string line) => _output.WriteLine(line);

    public void Assert()
    {
        if (_misses.Count > 0)
        {
            _output.WriteLine(_result.RouterLogs);
            Xunit.Assert.Fail(string.Join('\n', _misses));
        }
    }

    private void NothingTwiceOrOutOfOrder(PairAccount pair)
    {
        Expect(pair.Dups == 0, $"{pair.Name}: {pair.Dups} messages delivered twice");
        Expect(pair.OutOfOrder == 0, $"{pair.Name}: {pair.OutOfOrder} messages delivered out of order");
        Expect(pair.DeliveredDespiteRefusal == 0, $"{pair.Name}: {pair.DeliveredDespiteRefusal} messages delivered although their sender was told they were not");
        Expect(pair.ErrorRepeats == 0, $"{pair.Name}: {pair.ErrorRepeats} errors named a message already answered");
    }

    private void Expect(bool met, string miss)
    {
        if (!met)
        {
            _misses.Add(miss);
        }
    }

    public static string Ms(TimeSpan? time) => time is { } t ? t.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture) + " ms" : "never";
}
