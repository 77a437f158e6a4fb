using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Routing;

public class RouterLifecycleTests
{
    [Theory, OnNetMQ, OnLibZmq]
    public async Task Binding_a_taken_port_fails_with_one_clear_error(HydraTransport transport)
    {
        await using var first = TestRouter.Start(transport);
        await using var second = new RouterEngine(new RouterOptions { Transport = transport, Address = "127.0.0.1", Port = first.Port, HeartbeatPort = 0 });
        var error = await Assert.ThrowsAsync<HydraException>(() => second.StartAsync());
        Assert.Equal(HydraErrorCode.Network, error.Code);
        Assert.Equal($"cannot listen on 127.0.0.1:{first.Port}: port {first.Port} is already in use", error.Message);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task An_address_of_another_machine_is_named_as_such(HydraTransport transport)
    {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        await using var router = new RouterEngine(new RouterOptions { Transport = transport, Address = "192.0.2.1", Port = 0, HeartbeatPort = 0 });
        var error = await Assert.ThrowsAsync<HydraException>(() => router.StartAsync());
        Assert.Equal("cannot listen on 192.0.2.1:(any free port): 192.0.2.1 is not an address of this machine", error.Message);
    }

    [Theory]
    [InlineData(70000, 0, "Port must be 0–65535 (0 picks a free port), not 70000")]
    [InlineData(0, -1, "HeartbeatPort must be 0–65535 (0 picks a free port), not -1")]
    [InlineData(6000, 6000, "Port and HeartbeatPort are both 6000: the two ports must differ")]
    public void Ports_that_cannot_work_are_refused_before_anything_is_bound(int port, int heartbeatPort, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new RouterEngine(new RouterOptions { Address = "127.0.0.1", Port = port, HeartbeatPort = heartbeatPort }));
        Assert.StartsWith(expected, error.Message);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Stop_is_idempotent_and_frees_the_ports(HydraTransport transport)
    {
        var router = TestRouter.Start(transport);
        var port = router.Port;
        await router.StopAsync();
        await router.StopAsync();
        Assert.False(router.IsRunning);
        await using var again = new RouterEngine(new RouterOptions { Transport = transport, Address = "127.0.0.1", Port = port, HeartbeatPort = 0 });
        await again.StartAsync(); // no retry: StopAsync returns only once the ports can be bound again
        Assert.Equal(port, again.Port);
    }
}
