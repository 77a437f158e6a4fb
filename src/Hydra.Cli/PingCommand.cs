using System.CommandLine;
using Hydra.Messages;
using Hydra.Peers;
using Hydra.Protocol;

namespace Hydra.Cli;

/// <summary><c>hydra ping</c>: ping a peer (or the router) through the router, like ping(8).</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var peer = new CommonOptions.PeerFlags();
        var target = new Option<string>("--target")
        {
            Description = "Who to ping: HydraRouter, or a peer's identity such as HydraServer",
            DefaultValueFactory = _ => HydraIdentities.Router,
        };
        var count = new Option<int>("--count", "-c")
        {
            Description = "How many pings to send",
            DefaultValueFactory = _ => 4,
        };
        var interval = new Option<double>("--interval", "-i")
        {
            Description = "Seconds between pings",
            DefaultValueFactory = _ => 1.0,
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for each pong",
            DefaultValueFactory = _ => 2.0,
        };
        var id = new Option<string?>("--id") { Description = "This client's identity (default: a unique HydraClient-xxxxxx)" };
        var command = new Command("ping", "Ping the router or a peer and print the round-trip times; exits 1 when nothing answered");
        foreach (var option in peer.All.Concat([target, count, interval, timeout, id]))
        {
            command.Options.Add(option);
        }
        command.SetAction(async parse =>
        {
            var options = peer.ToOptions(parse) with { Identity = parse.GetValue(id) };
            var pinger = new Pinger(Console.Out, parse.GetValue(target)!, TimeSpan.FromSeconds(parse.GetValue(timeout)));
            return await pinger.RunAsync(options, parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(interval)), Shutdown.Token);
        });
        return command;
    }
}
