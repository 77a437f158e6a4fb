using System.CommandLine;
using Hydra.Logging;
using Hydra.Routing;
using Hydra.Security;
using Hydra.Tui.Router;

namespace Hydra.Cli;

/// <summary><c>hydra router</c>: the router, headless or in the terminal app.</summary>
internal static class RouterCommand
{
    public static Command Create()
    {
        var headless = new Option<bool>("--headless") { Description = "Run without the terminal app: log lines only" };
        var start = new Option<bool>("--start") { Description = "In the terminal app, start routing at once instead of waiting for Start" };
        var address = new Option<string>("--address")
        {
            Description = "Interface to listen on: * for all, 127.0.0.1 for this machine only",
            DefaultValueFactory = _ => "*",
        };
        var port = CommonOptions.Port();
        var heartbeatPort = CommonOptions.HeartbeatPort();
        var logLevel = CommonOptions.LogLevel();
        var logFile = CommonOptions.LogFile();
        var curveKey = CommonOptions.CurveKey("The router's secret key file (from hydra keygen): encrypt both ports with CurveZMQ");
        var authorizedKeys = new Option<FileInfo>("--authorized-keys")
        {
            Description = "File of peer public keys, one per line (bare, or a certificate's public-key line): only peers proving one of them are served (needs --curve-key)",
        }.AcceptExistingOnly();
        var command = new Command("router", "Run the Hydra router")
        {
            headless, start, address, port, heartbeatPort, logLevel, logFile, curveKey, authorizedKeys,
        };
        command.SetAction(async parse =>
        {
            var options = new RouterOptions
            {
                Address = parse.GetValue(address)!,
                Port = parse.GetValue(port),
                HeartbeatPort = parse.GetValue(heartbeatPort),
                CurveSecretKey = parse.GetValue(curveKey) is { } key ? KeyFile.Read(key.FullName).Key : null,
                AuthorizedKeys = parse.GetValue(authorizedKeys) is { } keys ? AuthorizedKeysFile.Read(keys.FullName) : null,
            };
            if (!parse.GetValue(headless))
            {
                return await RouterApp.RunAsync(new RouterAppOptions
                {
                    Router = options,
                    StartImmediately = parse.GetValue(start),
                    LogLevel = HydraLogLevels.Parse(parse.GetValue(logLevel)!),
                    LogFile = parse.GetValue(logFile),
                }, Shutdown.Token);
            }
            using var log = new HydraLog("HydraRouter", parse.GetValue(logFile), toConsole: true, HydraLogLevels.Parse(parse.GetValue(logLevel)!));
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
