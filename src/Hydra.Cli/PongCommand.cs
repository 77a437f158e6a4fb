using System.CommandLine;
using Hydra.Logging;
using Hydra.Messages;
using Hydra.Peers;
using Hydra.Protocol;

namespace Hydra.Cli;

/// <summary><c>hydra pong</c>: the reference server, answering ping with pong.</summary>
internal static class PongCommand
{
    public static Command Create()
    {
        var peer = new CommonOptions.PeerFlags();
        var id = new Option<string>("--id")
        {
            Description = "This server's identity (what clients target)",
            DefaultValueFactory = _ => HydraIdentities.Server,
        };
        var logLevel = CommonOptions.LogLevel();
        var command = new Command("pong", "Run a server that answers ping with pong");
        foreach (var option in peer.All.Append(id).Append(logLevel))
        {
            command.Options.Add(option);
        }
        command.SetAction(async parse =>
        {
            var identity = parse.GetValue(id)!;
            using var log = new HydraLog(identity, toConsole: true, level: HydraLogLevels.Parse(parse.GetValue(logLevel)!));
            var options = peer.ToOptions(parse) with { Identity = identity, LoggerFactory = log.LoggerFactory };
            await using var server = new PongServer(options);
            server.Start();
            log.Info($"{identity} answering ping via {options.RouterAddress}:{options.RouterPort}");
            await Shutdown.WaitAsync();
            return 0;
        });
        return command;
    }
}
