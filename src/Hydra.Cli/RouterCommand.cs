using System.CommandLine;
using Hydra.Logging;
using Hydra.Telemetry;
using Hydra.Tui.Router;

namespace Hydra.Cli;

/// <summary><c>hydra router</c>: the router, headless or in the terminal app.</summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var headless = new Option<bool>("--headless") { Description = "Run without the terminal app: log lines only" };
        var start = new Option<bool>("--start") { Description = "In the terminal app, start routing at once" };
        var address = new Option<string>("--address")
        {
            Description = "'*' for all interfaces, or one address",
            HelpName = "address",
            DefaultValueFactory = _ => "*",
        };
        var port = CommonOptions.Port(lowest: 0);
        var heartbeatPort = CommonOptions.HeartbeatPort(lowest: 0);
        var logLevel = CommonOptions.LogLevel();
        var logFile = CommonOptions.LogFile();
        var curveKey = KeyOptions.CurveKey("The router's secret key file: encrypt both ports");
        var authorizedKeys = KeyOptions.AuthorizedKeys();
        var cluster = new ClusterFlags();
        var transport = CommonOptions.Transport();
        var command = new Command("router", "Run the Hydra router")
        {
            headless, start, address, port, heartbeatPort, logLevel, logFile, curveKey, authorizedKeys, transport,
        };
        cluster.AddTo(command);
        CommonOptions.RefuseSamePorts(command, port, heartbeatPort);
        CommonOptions.Requires(command, authorizedKeys, curveKey, "keys are proven over the encrypted channel");
        var operations = new OperationsFlags(); // metrics export and the log format (docs/operations.md)
        operations.AddTo(command);
        command.SetAction(async parse =>
        {
            var options = new RouterOptions
            {
                Address = parse.GetValue(address)!,
                Port = parse.GetValue(port),
                HeartbeatPort = parse.GetValue(heartbeatPort),
                CurveSecretKey = parse.GetValue(curveKey),
                AuthorizedKeys = parse.GetValue(authorizedKeys),
                Cluster = cluster.ToOptions(parse),
                Transport = parse.GetValue(transport),
            };
            var level = CommonOptions.LevelOf(parse, logLevel);
            var export = operations.ExportOf(parse, "hydra-router");
            var format = operations.LogFormatOf(parse);
            if (!parse.GetValue(headless))
            {
                return await RouterApp.RunAsync(new RouterAppOptions
                {
                    Router = options,
                    StartImmediately = parse.GetValue(start),
                    LogLevel = level,
                    LogFile = parse.GetValue(logFile),
                    LogFormat = format,
                    Metrics = export,
                }, Shutdown.Token);
            }
            using var log = new HydraLog("HydraRouter", parse.GetValue(logFile), toConsole: true, level, format: format);
            return await HeadlessHost.RunAsync(options with { LoggerFactory = log.LoggerFactory }, export, Shutdown.Token);
        });
        return command;
    }
}
