using System.CommandLine;
using Hydra.Cli;

var root = new RootCommand("Hydra Router for .NET: route JSON messages between named ZeroMQ peers.")
{
    RouterCommand.Create(),
    ClientCommand.Create(),
    PongCommand.Create(),
    PingCommand.Create(),
    DemoCommand.Create(),
};
var exitCode = await root.Parse(args).InvokeAsync();
NetMQ.NetMQConfig.Cleanup(block: false);
return exitCode;
