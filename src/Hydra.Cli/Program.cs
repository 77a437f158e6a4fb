using System.CommandLine;
using Hydra;
using Hydra.Cli;

var router = RouterCommand.Create();
var pong = PongCommand.Create();
var root = new RootCommand("Hydra Router for .NET: route JSON messages between named ZeroMQ peers.")
{
    router,
    ClientCommand.Create(),
    pong,
    PingCommand.Create(),
    ClientsCommand.Create(),
    DemoCommand.Create(),
    KeygenCommand.Create(),
};
UsageErrors.LimitHelpWidth(root);
// The services read HYDRA_* variables for every flag; the one-shot and interactive commands read
// none, so a probe run beside a router (hydra ping) never picks up the router's settings as its own.
var environment = new EnvironmentOptions(router, pong);
var parse = environment.Parse(root, args, Environment.GetEnvironmentVariable);
if (environment.Problem is { } problem)
{
    return UsageErrors.Report(parse, Console.Error, _ => problem);
}
if (UsageErrors.Failed(parse))
{
    return UsageErrors.Report(parse, Console.Error, environment.Explain);
}
foreach (var warning in KeyOptions.Warnings.Values)
{
    await Console.Error.WriteLineAsync($"WARNING: {warning}");
}
Shutdown.ListenForSignals();
int exitCode;
try
{
    // Signals are ours (see Shutdown), so System.CommandLine must not turn them into exit codes 130/143.
    exitCode = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is HydraException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
{
    // What only shows when starting (a port in use, a log file that cannot be written): one clear line, no stack trace.
    await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
    exitCode = 1;
}
HydraTransports.Cleanup();
return exitCode;
