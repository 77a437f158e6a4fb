using System.Globalization;
using System.Text.RegularExpressions;

namespace Hydra.Tests.Reliability;

/// <summary>Reads the router's log for replies it could not deliver: one line each, or a per-second summary once its log budget is spent.</summary>
internal static partial class UndeliveredReplies
{
    public static long Count(IEnumerable<string> lines) => lines.Sum(line =>
        Summary().Match(line) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
        : line.Contains("A reply to ", StringComparison.Ordinal) && line.Contains("could not be delivered", StringComparison.Ordinal) ? 1 : 0);

    [GeneratedRegex(@"(\d+) more replies could not be delivered")]
    private static partial Regex Summary();
}
