using Hydra.Testing;
using Hydra.Tests.Reliability;
using Hydra.Transport;

namespace Hydra.Tests.Cluster;

/// <summary>The cluster through the <c>hydra</c> command: its flags, its log, and <c>hydra demo --cluster</c>.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCliTests
{
    [Theory]
    [InlineData("--cluster: 'localhost:4222' must start with nats://, tls://, ws:// or wss://", "--cluster", "localhost:4222")]
    [InlineData("--cluster: 'nats://' is not a URL such as nats://127.0.0.1:4222", "--cluster", "nats://")]
    [InlineData("--cluster: must name at least one NATS server, e.g. nats://127.0.0.1:4222", "--cluster", ",")]
    [InlineData("--cluster-name 'a.b' may hold only letters, digits, '-' and '_'", "--cluster", "nats://127.0.0.1:4222", "--cluster-name", "a.b")]
    [InlineData("--router-id must not be empty", "--cluster", "nats://127.0.0.1:4222", "--router-id", "")]
    [InlineData("--router-id needs --cluster: it is about the cluster", "--router-id", "east")]
    [InlineData("--nats-creds nowhere.creds: no such file", "--cluster", "nats://127.0.0.1:4222", "--nats-creds", "nowhere.creds")]
    public async Task A_bad_cluster_flag_is_one_error_line(string error, params string[] flags)
    {
        await using var hydra = ChildProcess.Hydra(["router", "--headless", .. flags]);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.Equal([$"ERROR: {error}", "see 'hydra router --help'"], hydra.Output.Split('\n'));
    }

    [Fact]
    public async Task A_password_in_a_bad_URL_is_not_printed()
    {
        await using var hydra = ChildProcess.Hydra("router", "--headless", "--cluster", "http://user:secret@127.0.0.1:4222");
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.DoesNotContain("secret", hydra.Output, StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1:4222", hydra.Output, StringComparison.Ordinal);
    }

    [NatsFact]
    public async Task A_headless_router_says_when_it_loses_NATS_and_when_it_rejoins()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var router = await RouterProcess.StartAsync(HydraTransport.Auto, 0, 0, "--cluster", nats.Url, "--cluster-name", ClusterRouters.NewName(), "--router-id", "lonely");
        await router.Process.WaitForLineAsync(l => l.Contains("Router lonely joined cluster", StringComparison.Ordinal), "the joined line", TimeSpan.FromSeconds(30));
        await nats.KillAsync();
        await router.Process.WaitForLineAsync(l => l.Contains("[WARNING]", StringComparison.Ordinal) && l.Contains("lost its NATS connection", StringComparison.Ordinal),
            "the lost-NATS warning", TimeSpan.FromSeconds(30));
        await nats.RunAsync();
        await router.Process.WaitForLineAsync(l => l.Contains("Router lonely rejoined cluster", StringComparison.Ordinal), "the rejoined line", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("Exception", router.Process.Output, StringComparison.Ordinal);
    }

    // Issue 16: a router pointed at a NATS that is not there said nothing about routing its own
    // peers, and logged a NATS.Net stack trace for every reconnection attempt (48 lines in 6 s).
    [NatsFact]
    public async Task A_router_started_without_NATS_says_so_in_one_line_and_joins_when_NATS_comes()
    {
        var port = NatsServer.FreePort();
        await using var router = await RouterProcess.StartAsync(HydraTransport.Auto, 0, 0, "--cluster", $"nats://127.0.0.1:{port}", "--cluster-name", ClusterRouters.NewName(), "--router-id", "early");
        await router.Process.WaitForLineAsync(l => l.Contains("cannot reach NATS", StringComparison.Ordinal) && l.Contains("routes its own peers", StringComparison.Ordinal),
            "the line that says the router routes its own peers until NATS comes", TimeSpan.FromSeconds(30));
        await using var nats = await NatsServer.StartAsync(port: port);
        await router.Process.WaitForLineAsync(l => l.Contains("Router early joined cluster", StringComparison.Ordinal), "the joined line", TimeSpan.FromSeconds(30));
        var lines = router.Process.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("NATS", StringComparison.Ordinal) && l.Contains("[WARNING]", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [NatsFact]
    public async Task Demo_with_a_cluster_pings_a_server_on_the_other_router()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var demo = ChildProcess.Hydra("demo", "--cluster", nats.Url);
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("4 sent, 4 received, 0% lost", demo.Output, StringComparison.Ordinal);
    }
}
