using System.Globalization;

namespace Hydra.Tests.Reliability;

/// <summary>One reading of a process's memory and CPU from /proc (Linux only).</summary>
/// <param name="RssKiB">Resident set now (VmRSS).</param>
/// <param name="PeakRssKiB">Highest resident set so far (VmHWM).</param>
/// <param name="CpuTicks">User plus system CPU time, in clock ticks.</param>
/// <param name="At">When it was read (Stopwatch timestamp).</param>
internal readonly record struct ProcStats(long RssKiB, long PeakRssKiB, long CpuTicks, long At)
{
    // USER_HZ is 100 on every Linux this runs on (x86-64 and arm64 kernels export 100 to user space).
    private const double TicksPerSecond = 100;

    public static ProcStats Read(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = KiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KiB(line);
            }
        }
        // Fields after the command name, which is in parentheses and may contain spaces.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        return new ProcStats(rss, peak, ticks, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>CPU used between two readings, as a share of one core (1.0 = one core busy).</summary>
    public static double CoreShare(ProcStats from, ProcStats to) =>
        (to.CpuTicks - from.CpuTicks) / TicksPerSecond / System.Diagnostics.Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds;

    public static double CpuSeconds(ProcStats from, ProcStats to) => (to.CpuTicks - from.CpuTicks) / TicksPerSecond;

    public override string ToString() => $"RSS {RssKiB / 1024.0:0.0} MiB (peak {PeakRssKiB / 1024.0:0.0} MiB), CPU {CpuTicks / TicksPerSecond:0.00} s";

    private static long KiB(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
