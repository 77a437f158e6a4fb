using Hydra.Testing;
using static Hydra.Tests.Operations.HeadlessRouter;

namespace Hydra.Tests.Operations;

/// <summary>The documented liveness probe, <c>hydra ping --count 1 --timeout 1</c>: exit 0 while the router answers, 1 once it is gone.</summary>
public sealed class LivenessProbeTests
{
    [Fact]
    public async Task The_probe_exits_0_for_a_live_router_and_1_after_it_stopped()
    {
        await using var router = await StartAsync(["--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0"]);
        Assert.Equal(0, await ProbeAsync(router));
        router.Process.Signal("TERM");
        Assert.Equal(0, await router.Process.WaitForExitAsync());
        Assert.Equal(1, await ProbeAsync(router));
    }

    private static async Task<int> ProbeAsync(HeadlessRouter router)
    {
        await using var probe = ChildProcess.Hydra(["ping", .. router.PeerFlags, "--count", "1", "--timeout", "1"]);
        return await probe.WaitForExitAsync();
    }
}
