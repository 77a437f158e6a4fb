using System.Globalization;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>A process's TCP connections as the kernel shows them (ss), to see which server a router is on without asking the router.</summary>
internal static class Connections
{
    /// <summary>The remote ports of <paramref name="pid"/>'s established TCP connections.</summary>
    public static IReadOnlySet<int> RemotePortsOf(int pid)
    {
        // Lines like: 0 0 127.0.0.1:40112 127.0.0.1:4222 users:(("dotnet",pid=1234,fd=212))
        var owner = $"pid={pid.ToString(CultureInfo.InvariantCulture)},";
        return Shell.Run(Shell.Find("ss") ?? "ss", "-Htnp", "state", "established").Split('\n')
            .Where(line => line.Contains(owner, StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3])
            .Select(peer => int.Parse(peer[(peer.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture))
            .ToHashSet();
    }
}
