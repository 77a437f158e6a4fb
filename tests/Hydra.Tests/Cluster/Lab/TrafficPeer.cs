using System.Globalization;
using System.Text.Json.Nodes;
using Hydra.Testing;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// tests/python/traffic_peer.py on a router: a named pyzmq peer that sends numbered messages to one
/// target at a fixed rate and accounts for everything it hears back (see the script's docstring).
/// </summary>
internal sealed class TrafficPeer : IAsyncDisposable
{
    private readonly LabProcess _process;

    private TrafficPeer(string id, string target, int rate, LabProcess process)
    {
        Id = id;
        Target = target;
        Rate = rate;
        _process = process;
    }

    public string Id { get; }
    public string Target { get; }
    public int Rate { get; }

    public static TrafficPeer Start(LabRouter router, string id, string target, int rate) =>
        new(id, target, rate, router.Place.Start($"peer {id}", Python.Interpreter, Path.Combine(AppContext.BaseDirectory, "python", "traffic_peer.py"),
            "--router", "127.0.0.1", "--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort),
            "--id", id, "--target", target, "--rate", Text(rate), "--max-seconds", "180"));

    /// <summary>Waits until a probe to the target was answered: the path works before anything is counted.</summary>
    public Task WaitUntilReachableAsync(TimeSpan deadline) =>
        _process.WaitForLineAsync(l => IsEvent(l, "reachable"), $"{Id} reaching {Target}", deadline);

    public void StartSending() => _process.WriteLine("start");

    public void StopSending() => _process.WriteLine("stop");

    /// <summary>The peer's counts right now: sent, heard per sender, numbers answered with an error.</summary>
    public async Task<(int Sent, IReadOnlyDictionary<string, int> Heard, int Errored)> StatusAsync()
    {
        var from = _process.LineCount;
        _process.WriteLine("status");
        var status = JsonNode.Parse(await _process.WaitForLineAsync(l => IsEvent(l, "status"), $"{Id}'s status", TimeSpan.FromSeconds(10), from))!;
        var heard = status["heard"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        return ((int)status["sent"]!, heard, (int)status["errored"]!);
    }

    /// <summary>Ends the peer and returns its summary.</summary>
    public async Task<TrafficSummary> ReportAsync()
    {
        _process.WriteLine("report");
        return TrafficSummary.Parse(await _process.WaitForLineAsync(l => IsEvent(l, "summary"), $"{Id}'s summary", TimeSpan.FromSeconds(20)));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static bool IsEvent(string line, string name) => line.StartsWith($"{{\"event\": \"{name}\"", StringComparison.Ordinal);

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}
