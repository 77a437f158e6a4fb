using Hydra.Bench.Load;
using Hydra.Transport;

namespace Hydra.Bench.Suite;

/// <summary><c>Hydra.Bench sender</c>: only the HydraMQ-peer sender, through a Hydra router child on its default transport.</summary>
internal static class SenderMode
{
    public static async Task<int> RunAsync(double seconds, int repeats)
    {
        using var router = RouterProcess.Start(Routers.Hydra, 10_000, pool: true);
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
        var failed = false;
        for (var round = 0; round < repeats; round++)
        {
            foreach (var transport in new[] { HydraTransport.LibZmq, HydraTransport.NetMQ })
            {
                var result = await HydraMQSender.RunAsync($"s{round}{transport}", router.Port, router.HeartbeatPort, transport, TimeSpan.FromSeconds(seconds));
                failed |= !result.Accounted;
                Console.WriteLine($"HydraMQ peer on {transport}: {result.Rate:N0} msg/s delivered ({result.Sent:N0} sent, {result.Received:N0} received, {result.Busy:N0} refused busy by the peer, {result.RouterBusy:N0} by the router) in {result.Seconds:F2} s");
            }
        }
        return failed ? 1 : 0;
    }
}
