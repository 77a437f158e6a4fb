using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Hydra.Cli;

/// <summary>
/// The process's limit on open files, which bounds a router's peers: each peer holds two
/// connections, each a descriptor. The .NET runtime already raises the soft limit to the hard one
/// as it starts (measured: a router started under <c>ulimit -Sn 1024</c> runs with the hard limit,
/// 20,000 here), so the router only says what it got (measured again for issue 19: under
/// <c>ulimit -Sn 1024</c> with hard 20,000, it logs 20,000).
/// </summary>
internal static partial class OpenFileLimit
{
    private const int RlimitNofile = 7; // Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    /// <summary>Logs the limits in one line, with the peers they allow.</summary>
    public static void Log(ILogger log)
    {
        if (!OperatingSystem.IsLinux() || GetLimit(RlimitNofile, out var limit) != 0)
        {
            return;
        }
        var peers = limit.Soft == ulong.MaxValue ? "any number of" : $"about {(limit.Soft - Reserved - Math.Min(1024, limit.Soft / 4)) / 2:N0}";
        LogLimits(log, Text(limit.Soft), Text(limit.Hard), peers);
    }

    /// <summary>
    /// Descriptors the process holds without any peer: about 100 measured (the runtime keeps each
    /// loaded assembly open; sockets, logs). On top, the libzmq transport keeps a quarter of the
    /// limit, at most 1,024, free (OpenFileGate: it takes no new connection past that).
    /// </summary>
    private const ulong Reserved = 100;

    private static string Text(ulong value) => value == ulong.MaxValue ? "unlimited" : value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Open files: {Soft} (hard limit {Hard}); each peer takes 2, so {Peers} peers")]
    private static partial void LogLimits(ILogger log, string soft, string hard, string peers);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out RLimit limit);
}
