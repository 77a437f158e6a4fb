using System.CommandLine;
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
            Description = "Router or peer to ping",
            HelpName = "name",
            DefaultValueFactory = _ => HydraIdentities.Router,
        };
        var count = new Option<int>("--count", "-c")
        {
            Description = "How many pings to send",
            HelpName = "n",
            DefaultValueFactory = _ => 4,
            CustomParser = FlagValues.Count,
        };
        var interval = new Option<double>("--interval", "-i")
        {
            Description = "Seconds between pings",
            HelpName = "seconds",
            DefaultValueFactory = _ => 1.0,
            CustomParser = result => FlagValues.Seconds(result, zeroAllowed: true),
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for each pong",
            HelpName = "seconds",
            DefaultValueFactory = _ => 2.0,
            CustomParser = result => FlagValues.Seconds(result, zeroAllowed: false),
        };
        var id = CommonOptions.Id("Identity (default: a unique HydraClient-xxxxxx)");
        var command = new Command("ping", "Ping the router or a peer; exits 1 when nothing answered");
        peer.AddTo(command);
        foreach (var option in new Option[] { target, count, interval, timeout, id })
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
