using System.Diagnostics;
using System.Globalization;
using Hydra.Bench.Load;

namespace Hydra.Bench.Peers;

/// <summary>
/// <c>Hydra.Bench peers-child --count N --names P --port M --heartbeat-port H --interval S [--one-port]</c>:
/// one load process of the many-peers run. Connects its peers, heartbeats each once until all are
/// answered and prints <c>CONNECTED answered ms</c>; heartbeats every S seconds until standard
/// input closes, then prints <c>DONE sent replies</c>. Many processes, because each has the same
/// open-file limit as the router and a peer costs this side four descriptors.
/// </summary>
internal static class PeersChild
{
    public static int Run(int count, string names, int port, int heartbeatPort, TimeSpan interval, bool onePort)
    {
        var clock = Stopwatch.StartNew();
        ZmqIdlePeers peers;
        try
        {
            peers = new ZmqIdlePeers(count, names, port, heartbeatPort, onePort);
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAILED {e.Message}");
            return 1;
        }
        using (peers)
        {
            var answered = peers.FirstRound(TimeSpan.FromSeconds(180));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CONNECTED {answered} {clock.Elapsed.TotalMilliseconds:F0}"));
            var stop = 0;
            var watcher = new Thread(() =>
            {
                while (Console.In.ReadLine() is not null)
                {
                }
                Volatile.Write(ref stop, 1);
            }) { IsBackground = true };
            watcher.Start();
            peers.Beat(interval, () => Volatile.Read(ref stop) == 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {peers.Sent} {peers.Replies}"));
        }
        return 0;
    }
}
