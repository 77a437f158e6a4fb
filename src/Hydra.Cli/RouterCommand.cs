using System.CommandLine;
using Hydra.Logging;
using Hydra.Routing;
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
        var transport = CommonOptions.Transport();
        var command = new Command("router", "Run the Hydra router")
        {
            headless, start, address, port, heartbeatPort, logLevel, logFile, curveKey, authorizedKeys, transport,
        };
        CommonOptions.RefuseSamePorts(command, port, heartbeatPort);
        CommonOptions.Requires(command, authorizedKeys, curveKey, "keys are proven over the encrypted channel");
        command.SetAction(async parse =>
        {
            var options = new RouterOptions
            {
                Address = parse.GetValue(address)!,
                Port = parse.GetValue(port),
                HeartbeatPort = parse.GetValue(heartbeatPort),
                CurveSecretKey = parse.GetValue(curveKey),
                AuthorizedKeys = parse.GetValue(authorizedKeys),
                Transport = parse.GetValue(transport),
            };
            var level = CommonOptions.LevelOf(parse, logLevel);
            if (!parse.GetValue(headless))
            {
                return await RouterApp.RunAsync(new RouterAppOptions
                {
                    Router = options,
                    StartImmediately = parse.GetValue(start),
                    LogLevel = level,
                    LogFile = parse.GetValue(logFile),
                }, Shutdown.Token);
            }
            using var log = new HydraLog("HydraRouter", parse.GetValue(logFile), toConsole: true, level);
            return await RunHeadlessAsync(options with { LoggerFactory = log.LoggerFactory });
        });
        return command;
    }

    private static async Task<int> RunHeadlessAsync(RouterOptions options)
    {
        await using var router = new RouterEngine(options);
        try
        {
            router.Start();
        }
        catch (HydraException e)
        {
            await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
            return 1;
        }
        // Ctrl+C and SIGTERM cancel the token; then the router closes its sockets and we exit 0.
        await Shutdown.WaitAsync();
        return 0;
    }
}
