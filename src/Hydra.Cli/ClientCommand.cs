using System.CommandLine;
using Hydra.Tui.Client;

namespace Hydra.Cli;

/// <summary><c>hydra client</c>: the Hydra Client terminal app (status, Ping Router, Ping Server).</summary>
internal static class ClientCommand
{
    public static Command Create()
    {
        var router = CommonOptions.Router();
        var port = CommonOptions.Port();
        var heartbeatPort = CommonOptions.HeartbeatPort();
        var id = new Option<string?>("--id") { Description = "This client's identity (default: a unique HydraClient-xxxxxx)" };
        var command = new Command("client", "Open the Hydra Client terminal app: connection status and pings through the router")
        {
            router, port, heartbeatPort, id,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = CommonOptions.PeerOptions(parse, router, port, heartbeatPort) with { Identity = parse.GetValue(id) };
            return await ClientApp.RunAsync(options, cancellationToken);
        });
        return command;
    }
}
