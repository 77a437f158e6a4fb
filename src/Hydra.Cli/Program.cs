using System.CommandLine;
using Hydra.Cli;

var root = new RootCommand("Hydra Router for .NET: route JSON messages between named ZeroMQ peers.")
{
    RouterCommand.Create(),
    PongCommand.Create(),
    PingCommand.Create(),
    DemoCommand.Create(),
};
Shutdown.ListenForSignals();
// Signals are ours (see Shutdown), so System.CommandLine must not turn them into exit codes 130/143.
var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
NetMQ.NetMQConfig.Cleanup(block: false);
return exitCode;
