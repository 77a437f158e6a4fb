using System.CommandLine;
using Hydra.Tui.Client;

namespace Hydra.Cli;

/// <summary><c>hydra client</c>: the Hydra Client terminal app (status, Ping Router, Ping Server).</summary>
internal static class ClientCommand
{
    public static Command Create()
    {
        var peer = new CommonOptions.PeerFlags();
        var id = CommonOptions.Id("Identity (default: a unique HydraClient-xxxxxx)");
        var command = new Command("client", "Open the Hydra Client terminal app: status and pings");
        peer.AddTo(command);
        command.Options.Add(id);
        command.SetAction(async parse =>
        {
            var options = peer.ToOptions(parse) with { Identity = parse.GetValue(id) };
            return await ClientApp.RunAsync(options, Shutdown.Token);
        });
        return command;
    }
}
