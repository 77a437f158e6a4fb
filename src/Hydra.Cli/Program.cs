using System.CommandLine;
using Hydra;
using Hydra.Cli;

var root = new RootCommand("Hydra Router for .NET: route JSON messages between named ZeroMQ peers.")
{
    RouterCommand.Create(),
    ClientCommand.Create(),
    PongCommand.Create(),
    PingCommand.Create(),
    DemoCommand.Create(),
    KeygenCommand.Create(),
};
UsageErrors.LimitHelpWidth(root);
var parse = root.Parse(args);
if (UsageErrors.Failed(parse))
{
    return UsageErrors.Report(parse, Console.Error);
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
Hydra.Transport.HydraTransports.Cleanup();
return exitCode;
