using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hydra.Bench.Suite;

/// <summary>
/// Two Hydra routers joined over a nats-server on loopback, each in a process of its own:
/// senders (and clients) connect to router A, receivers (and echo peers) to router B, so every
/// message crosses from one router to the other through NATS. CPU and allocations are both
/// routers' (the NATS server's CPU is not counted).
/// </summary>
internal sealed class ClusterUnderTest : IRouterUnderTest
{
    private static readonly string[] NatsBinaries = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];
    private readonly Process _nats;
    private readonly RouterProcess _a;
    private readonly RouterProcess _b;

    private ClusterUnderTest(Process nats, string natsUrl, RouterProcess a, RouterProcess b) => (_nats, NatsUrl, _a, _b) = (nats, natsUrl, a, b);

    public string Name => Routers.Cluster;
    /// <summary>Where the senders connect (and, in a "local" run, the receivers too).</summary>
    public RouterProcess RouterA => _a;
    /// <summary>Where the receivers connect in a "cross" run.</summary>
    public RouterProcess RouterB => _b;
    public string NatsUrl { get; }
    public int Port => _a.Port;
    public int ReceiverPort => _b.Port;
    public bool HasStats => true;

    public static string? NatsServer => NatsBinaries.FirstOrDefault(File.Exists);

    public static ClusterUnderTest Start(int highWatermark, bool pool)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(NatsServer ?? throw new InvalidOperationException("nats-server is not installed"))
        {
            ArgumentList = { "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var nats = Process.Start(info) ?? throw new InvalidOperationException("cannot start nats-server");
        nats.BeginErrorReadLine();
        nats.BeginOutputReadLine();
        var url = $"nats://127.0.0.1:{port}";
        var name = $"bench{Environment.ProcessId}";
        RouterProcess? a = null;
        try
        {
            WaitForPort(port, TimeSpan.FromSeconds(10));
            a = RouterProcess.Start(Routers.Cluster, highWatermark, pool, null, null, "--cluster", url, "--cluster-name", name, "--router-id", "a");
            var b = RouterProcess.Start(Routers.Cluster, highWatermark, pool, null, null, "--cluster", url, "--cluster-name", name, "--router-id", "b");
            return new ClusterUnderTest(nats, url, a, b);
        }
        catch
        {
            a?.Dispose();
            nats.Kill();
            nats.Dispose();
            throw;
        }
    }

    /// <summary>Both routers' counters: routed is what A sent on to B; allocations are both routing threads' and processes'.</summary>
    public RouterStats? Stats()
    {
        var a = _a.Stats()!;
        var b = _b.Stats()!;
        return new RouterStats(a.Routed, a.Errors + b.Errors, a.UndeliveredReplies + b.UndeliveredReplies, a.PollerAllocated + b.PollerAllocated,
            a.ProcessAllocated + b.ProcessAllocated, a.Gen0 + b.Gen0, a.Gen2 + b.Gen2, a.PooledOutstanding + b.PooledOutstanding, a.NatsAllocated + b.NatsAllocated, a.Resent + b.Resent);
    }

    public TimeSpan CpuTime() => _a.CpuTime() + _b.CpuTime();

    /// <summary>CPU time the nats-server process has used so far (user + system).</summary>
    public TimeSpan NatsCpuTime()
    {
        _nats.Refresh();
        return _nats.TotalProcessorTime;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        try
        {
            _nats.Kill();
            _nats.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _nats.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50); // nats-server is starting; polled with a deadline
            }
        }
    }
}
