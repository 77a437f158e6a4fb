using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Hydra.Testing;

namespace Hydra.Tests.Cli;

/// <summary>
/// <c>hydra router --headless</c> as the <c>Type=notify</c> service docs/operations.md shows: under systemd it tells
/// systemd's notify socket READY=1 once it listens and STOPPING=1 on SIGTERM; elsewhere it sends nothing.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Hosting.Systemd 10.0.0 takes a process for a systemd service when its parent's name
/// (<c>/proc/PPID/comm</c>) is <c>systemd</c> (or it is PID 1 with NOTIFY_SOCKET set). So the test starts the router
/// from a script named <c>systemd</c>, which passes SIGTERM on as systemd would send it, and plays the notify socket
/// itself with a datagram socket, as systemd binds one for a Type=notify unit.
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // systemd
public sealed partial class CliSystemdTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-systemd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Under_systemd_the_headless_router_says_ready_once_it_listens_and_stopping_on_SIGTERM()
    {
        using var systemd = NotifySocket(out var path);
        var manager = Path.Combine(_dir, "systemd");
        await File.WriteAllTextAsync(manager, """
            #!/bin/sh
            # Plays systemd for the router: its parent, passing SIGTERM on, then exiting with its status.
            "$@" &
            child=$!
            trap 'kill -TERM $child' TERM
            wait $child; status=$?
            while kill -0 $child 2>/dev/null; do wait $child; status=$?; done
            exit $status
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(manager, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var router = ChildProcess.Start(manager,
            ["dotnet", Path.Combine(AppContext.BaseDirectory, "hydra.dll"), "router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path });
        using var deadline = new CancellationTokenSource(Deadline);

        Assert.Equal("READY=1", await ReceiveAsync(systemd, deadline.Token));
        // Ready means listening: a peer gets its pong.
        var listening = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        var ports = ListeningPorts().Match(listening);
        await using (var client = new HydraClient(new HydraMQOptions
        {
            NetworkTimeout = TimeSpan.FromSeconds(10),
            RouterAddress = "127.0.0.1",
            RouterPort = int.Parse(ports.Groups[1].Value, CultureInfo.InvariantCulture),
            RouterHeartbeatPort = int.Parse(ports.Groups[2].Value, CultureInfo.InvariantCulture),
        }))
        {
            await client.StartAsync(deadline.Token);
            Assert.Equal("pong", (await client.PingAsync(cancellationToken: deadline.Token)).Reply.Method);
        }

        router.Signal("TERM");
        Assert.Equal("STOPPING=1", await ReceiveAsync(systemd, deadline.Token));
        Assert.Equal(0, await router.WaitForExitAsync());
        Assert.Contains("[INFO] [HydraRouter] Router stopped", router.Output, StringComparison.Ordinal);
        // The log lines are the command's own, not the host's nor systemd's (<6> prefixes).
        Assert.DoesNotContain("Application started", router.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("<6>", router.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_systemd_the_headless_router_sends_nothing_to_a_notify_socket()
    {
        using var notify = NotifySocket(out var path);
        await using var router = ChildProcess.Hydra(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path },
            "router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0");
        await router.WaitForLineAsync(l => l.Contains("Open files:", StringComparison.Ordinal), "the line after the start");

        router.Signal("TERM");

        Assert.Equal(0, await router.WaitForExitAsync());
        // The process is gone: anything it sent would be waiting in the socket.
        Assert.Equal(0, notify.Available);
    }

    private Socket NotifySocket(out string path)
    {
        path = Path.Combine(_dir, "notify.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket, CancellationToken deadline)
    {
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }

    [GeneratedRegex(@":(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningPorts();
}
