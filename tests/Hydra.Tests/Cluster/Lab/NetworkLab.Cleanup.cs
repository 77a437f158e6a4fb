using System.Globalization;
using System.Text.RegularExpressions;
using Hydra.Testing;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>What a lab needs, and removing labs: this run's on dispose, crashed runs' at the next start.</summary>
internal sealed partial class NetworkLab
{
    /// <summary>Why a lab cannot be built here, or null when it can.</summary>
    public static string? WhyUnavailable()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return "network namespaces need root";
        }
        foreach (var (program, package) in new[] { ("ip", "iproute2"), ("iptables", "iptables"), ("ss", "iproute2") })
        {
            if (Shell.Find(program) is null)
            {
                return $"{program} is not installed (apt-get install -y {package})";
            }
        }
        if (NatsServer.Binary is null)
        {
            return "nats-server is not installed (apt-get install -y nats-server)";
        }
        return Python.HasPyzmq.Value ? null : "python3-zmq is not installed (apt-get install -y python3-zmq)";
    }

    /// <summary>Removes every lab whose run is gone: its processes, interfaces, namespaces and owner file.</summary>
    private static async Task SweepLeftoversAsync()
    {
        var namespaces = Shell.Run(Shell.Find("ip")!, "netns", "list").Split('\n').Select(l => LabName().Match(l)).Where(m => m.Success).Select(m => m.Groups[2].Value);
        var links = Shell.Run(Shell.Find("ip")!, "-o", "link", "show").Split('\n').Select(l => LinkName().Match(l)).Where(m => m.Success).Select(m => m.Groups[2].Value);
        var owned = Directory.Exists(OwnersDirectory) ? Directory.GetFiles(OwnersDirectory).Select(Path.GetFileName) : [];
        foreach (var prefix in namespaces.Concat(links).Concat(owned).OfType<string>().Distinct())
        {
            var owner = Path.Combine(OwnersDirectory, prefix);
            if (!File.Exists(owner) || !Owner.IsAlive(File.ReadAllText(owner)))
            {
                await RemoveAsync(prefix);
            }
        }
    }

    private static async Task RemoveAsync(string prefix)
    {
        var ip = Shell.Find("ip")!;
        var namespaces = Shell.Run(ip, "netns", "list").Split('\n').Select(l => LabName().Match(l))
            .Where(m => m.Success && m.Groups[2].Value == prefix).Select(m => m.Groups[1].Value).ToList();
        foreach (var netns in namespaces)
        {
            await KillProcessesInAsync(netns);
        }
        var links = Shell.Run(ip, "-o", "link", "show").Split('\n').Select(l => LinkName().Match(l))
            .Where(m => m.Success && m.Groups[2].Value == prefix).Select(m => m.Groups[1].Value);
        foreach (var link in links)
        {
            Shell.TryRun(ip, "link", "del", link); // a veth's host end takes its namespace end with it, at once
        }
        foreach (var netns in namespaces)
        {
            Shell.TryRun(ip, "netns", "del", netns);
        }
        File.Delete(Path.Combine(OwnersDirectory, prefix));
    }

    /// <summary>SIGKILLs what still runs in a namespace of ours (started by this lab or a crashed run of it), and waits until it is gone.</summary>
    private static async Task KillProcessesInAsync(string netns)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var pids = Shell.TryRun(Shell.Find("ip")!, "netns", "pids", netns).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (pids.Length == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"processes {string.Join(' ', pids)} in {netns} survived SIGKILL for 10 s");
            }
            foreach (var pid in pids)
            {
                Shell.TryRun("kill", "-KILL", pid.Trim());
            }
            await Task.Delay(50); // polling until the kernel has reaped them: there is nothing to wait on
        }
    }

    /// <summary>A lab's namespace: the prefix, a dash, its place name.</summary>
    [GeneratedRegex(@"^((hy[0-9a-f]{6})-[A-Za-z0-9]+)")]
    private static partial Regex LabName();

    /// <summary>A lab's interface in <c>ip -o link show</c>: "7: hy1a2b3c-a@if2: …".</summary>
    [GeneratedRegex(@"^\d+: ((hy[0-9a-f]{6})-[A-Za-z0-9]+)")]
    private static partial Regex LinkName();

    /// <summary>The process that owns a lab: its pid and start time (a pid alone may be reused).</summary>
    private static class Owner
    {
        public static string Me { get; } = Of(Environment.ProcessId) ?? throw new InvalidOperationException("cannot read /proc/self/stat");

        public static bool IsAlive(string owner) => Of(int.TryParse(owner.Split(' ')[0], CultureInfo.InvariantCulture, out var pid) ? pid : -1) == owner.Trim();

        private static string? Of(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                // After the command name in parentheses: field 3 (state) on; the start time is field 22.
                var startTime = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
                return $"{pid.ToString(CultureInfo.InvariantCulture)} {startTime}";
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
