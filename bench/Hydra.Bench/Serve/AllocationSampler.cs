using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Hydra.Bench.Serve;

/// <summary>
/// Diagnostic (env HYDRA_BENCH_ALLOC_SAMPLES=1): samples the runtime's allocation ticks (one
/// event per ~100 KB allocated) by thread and type, to see which code allocates in the router
/// process (the routing thread on libzmq is "HydraRouter"; Linux keeps the
/// first 15 characters of a thread's name).
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _byType = new();
    private readonly ConcurrentDictionary<long, string> _threadNames = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } payload)
        {
            var type = payload[e.PayloadNames!.IndexOf("TypeName")]?.ToString() ?? "?";
            _byType.AddOrUpdate($"[{ThreadName(e.OSThreadId)}] {type}", 1, (_, n) => n + 1);
        }
    }

    private string ThreadName(long osThreadId) => _threadNames.GetOrAdd(osThreadId, id =>
    {
        try
        {
            return File.ReadAllText($"/proc/self/task/{id}/comm").Trim();
        }
        catch (IOException)
        {
            return id.ToString(System.Globalization.CultureInfo.InvariantCulture); // not Linux, or the thread has ended
        }
    });

    public string Report() => string.Join("; ", _byType.OrderByDescending(p => p.Value).Take(16).Select(p => $"{p.Key}={p.Value}"));
}
