using System.CommandLine;
using Hydra.Logging;
using Hydra.Messages;
using Hydra.Mq;
using Hydra.Peers;
using Hydra.Protocol;
using Hydra.Routing;

namespace Hydra.Cli;

/// <summary>
/// <c>hydra demo</c>: a router, a pong server and a ping, all in this process over real
/// loopback sockets on free ports. The README's first command.
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
        var transport = CommonOptions.Transport();
        var command = new Command("demo", "Router, pong server and pings on free loopback ports") { count, transport };
        command.SetAction(async parse =>
        {
            using var log = new HydraLog("HydraDemo", toConsole: true, level: HydraLogLevel.Info);
            await using var router = new RouterEngine(new RouterOptions
            {
                Address = "127.0.0.1",
                Port = 0,
                HeartbeatPort = 0,
                LoggerFactory = log.LoggerFactory,
                Transport = parse.GetValue(transport),
            });
            router.Start();
            var peer = new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = router.Port, RouterHeartbeatPort = router.HeartbeatPort, Transport = parse.GetValue(transport) };
            await using var server = new PongServer(peer with { LoggerFactory = log.LoggerFactory });
            await server.StartAsync(); // clients can reach it once the router has seen it
            var pinger = new Pinger(Console.Out, HydraIdentities.Server, TimeSpan.FromSeconds(2));
            return await pinger.RunAsync(peer, parse.GetValue(count), TimeSpan.FromMilliseconds(200), Shutdown.Token);
        });
        return command;
    }
}
