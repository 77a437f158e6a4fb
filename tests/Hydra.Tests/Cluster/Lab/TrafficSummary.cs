using System.Text.Json;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// What a traffic peer (tests/python/traffic_peer.py) says at the end. Times are Unix milliseconds;
/// number ranges are [first, last] inclusive; marks are [time, number] sampled every 50 ms.
/// </summary>
internal sealed record TrafficSummary(
    string Id,
    string Target,
    double Rate,
    int Sent,
    long? StartedMs,
    long? StoppedMs,
    long[][] SendMarks,
    int MaxBacklog,
    int SendBlocked,
    Dictionary<string, HeardFrom> Heard,
    Dictionary<string, long[][]> Errors,
    int ErrorRepeats,
    JsonElement[] UnnamedErrors,
    Dictionary<string, int> ProbeErrors,
    int HeartbeatReplies)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static TrafficSummary Parse(string line) => JsonSerializer.Deserialize<TrafficSummary>(line, Json)!;

    /// <summary>The numbers sent before <paramref name="time"/> are those below the returned one (to within 50 ms).</summary>
    public int FirstNumberSentAtOrAfter(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return SendMarks.FirstOrDefault(m => m[0] >= ms) is { } mark ? (int)mark[1] : Sent + 1;
    }

    /// <summary>When number <paramref name="n"/> was sent (the mark just before it: at most 50 ms early).</summary>
    public DateTimeOffset? SentAt(int n) =>
        SendMarks.LastOrDefault(m => m[1] <= n) is { } mark ? DateTimeOffset.FromUnixTimeMilliseconds(mark[0]) : null;
}

/// <summary>The numbered messages a peer heard from one sender.</summary>
internal sealed record HeardFrom(
    int Count,
    int Distinct,
    int[][] Numbers,
    int Dups,
    int[] DupExamples,
    int OutOfOrder,
    int[] OutOfOrderExamples,
    long[][] Marks,
    long? FirstMs,
    long? LastMs)
{
    public static HeardFrom Nothing { get; } = new(0, 0, [], 0, [], 0, [], [], null, null);

    /// <summary>When number <paramref name="n"/> had arrived, or a later one (in order, that is when it arrived; to within 50 ms).</summary>
    public DateTimeOffset? ArrivedBy(int n) =>
        Marks.FirstOrDefault(m => m[1] >= n) is { } mark ? DateTimeOffset.FromUnixTimeMilliseconds(mark[0]) : null;
}
