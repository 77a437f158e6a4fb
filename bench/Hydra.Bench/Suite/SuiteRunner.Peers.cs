using Hydra.Bench.Load;
using Hydra.Transport;

namespace Hydra.Bench.Suite;

// A HydraMQ peer as the sender: what the library itself can push through Hydra.
internal sealed partial class SuiteRunner
{
    private readonly Dictionary<HydraTransport, List<SenderResult>> _senders = [];

    private async Task HydraMQSendersAsync(RouterProcess hydra)
    {
        var transports = _libZmq ? new[] { HydraTransport.LibZmq, HydraTransport.NetMQ } : [HydraTransport.NetMQ];
        foreach (var transport in transports)
        {
            var result = await HydraMQSender.RunAsync($"m{++_runNumber}", hydra.Port, hydra.HeartbeatPort, transport, settings.ThroughputDuration);
            if (!result.Accounted)
            {
                Fail($"HydraMQ sender on {transport}: sent {result.Sent}, received {result.Received}, busy {result.Busy} (peer) + {result.RouterBusy} (router)");
            }
            if (!_senders.TryGetValue(transport, out var list))
            {
                _senders[transport] = list = [];
            }
            list.Add(result);
            Progress($"HydraMQ peer on {transport} -> {Label(hydra.Name)}: {result.Rate:N0} msg/s ({result.Sent:N0} sent, {result.Busy:N0} refused busy by the peer, {result.RouterBusy:N0} by the router)");
        }
    }
}
