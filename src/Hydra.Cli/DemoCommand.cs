using System.CommandLine;
using Hydra.Cluster;
using Hydra.Logging;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;

namespace Hydra.Cli;

/// <summary>
/// <c>hydra demo</c>: a router, a pong server and a ping, all in this process over real
/// loopback sockets on free ports. The README's first command. With <c>--cluster</c>: two
/// routers joined over NATS, the pong server on one and the pings through the other.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count", "-c")
        {
            Description = "How many pings",
            HelpName = "n",
            DefaultValueFactory = _ => 4,
            CustomParser = FlagValues.Count,
        };
        var cluster = new ClusterFlags().Urls;
        cluster.Description = "Two routers joined over this NATS: pong server on one, pings via the other";
        var transport = CommonOptions.Transport();
        var command = new Command("demo", "Router, pong server and pings on free loopback ports") { count, cluster, transport };
        command.SetAction(async parse =>
        {
            using var log = new HydraLog("HydraDemo", toConsole: true, level: HydraLogLevel.Info);
            var router = new RouterOptions
            {
                Address = "127.0.0.1",
                Port = 0,
                HeartbeatPort = 0,
                LoggerFactory = log.LoggerFactory,
                Transport = parse.GetValue(transport),
            };
            return parse.GetValue(cluster) is { } urls
                ? await RunClusterAsync(router, urls, parse.GetValue(count))
                : await RunAsync(router, parse.GetValue(count));
        });
        return command;
    }

    private static async Task<int> RunAsync(RouterOptions options, int count)
    {
        await using var router = new RouterEngine(options);
        await router.StartAsync();
        await using var server = PongServer.Create(PeerOptions(router) with { LoggerFactory = options.LoggerFactory });
        await server.StartAsync(); // clients can reach it once the router has seen it
        return await new Pinger(Console.Out, HydraIdentities.Server, TimeSpan.FromSeconds(2)).RunAsync(PeerOptions(router), count, TimeSpan.FromMilliseconds(200), Shutdown.Token);
    }

    private static async Task<int> RunClusterAsync(RouterOptions options, string urls, int count)
    {
        // A cluster name of its own, so the demo never joins (or disturbs) a real cluster on the same NATS.
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var cluster = new ClusterOptions { Urls = urls, Name = $"demo-{suffix}", RouterId = $"demo-a-{suffix}" };
        await using var routerA = new RouterEngine(options with { Cluster = cluster });
        await using var routerB = new RouterEngine(options with { Cluster = cluster with { RouterId = $"demo-b-{suffix}" } });
        await routerA.StartAsync();
        await routerB.StartAsync();
        await using var server = PongServer.Create(PeerOptions(routerB) with { LoggerFactory = options.LoggerFactory });
        await server.StartAsync();
        if (!await SeenAsync(routerA, HydraIdentities.Server, routerB.ClusterStats!.RouterId))
        {
            await Console.Error.WriteLineAsync($"ERROR: the two routers did not find each other over NATS at {ClusterUrls.Redacted(urls)} within 30 s");
            return 1;
        }
        return await new Pinger(Console.Out, HydraIdentities.Server, TimeSpan.FromSeconds(2)).RunAsync(PeerOptions(routerA), count, TimeSpan.FromMilliseconds(200), Shutdown.Token);
    }

    /// <summary>Waits (30 s at most: a loaded machine can be slow) until <paramref name="router"/>'s cluster-wide table has <paramref name="identity"/> on router <paramref name="on"/>.</summary>
    private static async Task<bool> SeenAsync(RouterEngine router, string identity, string on)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Shutdown.Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (!(await router.GetClusterClientsAsync(deadline.Token)).Any(c => c.Identity == identity && c.Router == on))
            {
                await Task.Delay(100, deadline.Token);
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The demo's peers run on the transport the router was asked for.</summary>
    private static HydraMQOptions PeerOptions(RouterEngine router) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = router.Port,
        RouterHeartbeatPort = router.HeartbeatPort,
        Transport = router.Options.Transport,
    };
}
