using System.CommandLine;
using Hydra.Logging;
using Hydra.Protocol;
using Hydra.Telemetry;
using Microsoft.Extensions.Logging;

namespace Hydra.Cli;

/// <summary><c>hydra pong</c>: the reference server, answering ping with pong.</summary>
internal static class PongCommand
{
    public static Command Create()
    {
        var peer = new CommonOptions.PeerFlags();
        var id = CommonOptions.Id("Identity clients target", HydraIdentities.Server);
        var logLevel = CommonOptions.LogLevel();
        var logFile = CommonOptions.LogFile();
        var operations = new OperationsFlags();
        var command = new Command("pong", "Run a server that answers ping with pong");
        peer.AddTo(command);
        command.Options.Add(id);
        command.Options.Add(logLevel);
        command.Options.Add(logFile);
        operations.AddTo(command);
        command.SetAction(async parse =>
        {
            var identity = parse.GetValue(id)!;
            using var log = new HydraLog(identity, parse.GetValue(logFile), toConsole: true, CommonOptions.LevelOf(parse, logLevel), format: operations.LogFormatOf(parse));
            var options = peer.ToOptions(parse) with { Identity = identity, LoggerFactory = log.LoggerFactory };
            using var metrics = MetricsExport.Start(operations.ExportOf(parse, "hydra-pong"), log.LoggerFactory.CreateLogger("Hydra.Metrics"));
            await using var server = PongServer.Create(options);
            // Before starting: "connected" (or why not) comes from HydraMQ's own thread as soon as a heartbeat is answered.
            log.Info($"{identity} will answer ping once connected to the router at {options.RouterAddress}:{options.RouterPort}");
            try
            {
                await server.StartAsync(Shutdown.Token);
            }
            catch (HydraTimeoutException)
            {
                // No router yet: the server keeps connecting, and its peer says so in the log.
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            await Shutdown.WaitAsync();
            return 0;
        });
        return command;
    }
}
