using System.Globalization;
using System.Text.RegularExpressions;

namespace Hydra.Tests.Operations;

/// <summary>
/// The Prometheus text exposition format, read as a scraper reads it: <c># TYPE name kind</c> lines and
/// samples <c>name{label="value",…} number [timestamp]</c>. Only what the tests need; it fails on a line it cannot read.
/// </summary>
internal sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, string> Types { get; }
    public IReadOnlyList<Sample> Samples { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                var match = SampleLine().Match(line);
                Assert.True(match.Success, $"not a sample line: {line}");
                var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
                samples.Add(new Sample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }
        return new PrometheusText(types, samples);
    }

    /// <summary>The value of the one sample of <paramref name="name"/> that has every given label.</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        Assert.Single(Samples, s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Value;

    /// <summary>The sum over every sample of <paramref name="name"/>.</summary>
    public double Sum(string name) => Samples.Where(s => s.Name == name).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>[^ ]+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
