using System.CommandLine;

namespace Hydra.Cli;

/// <summary><c>hydra clients</c>: who is connected to the router (or to any router of its cluster).</summary>
internal static class ClientsCommand
{
    public static Command Create()
    {
        var peer = new CommonOptions.PeerFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON object: the rows as the router sends them, and the total" };
        var pageSize = new Option<int>("--page-size")
        {
            Description = $"Rows asked for at a time, 1 to {ClientPages.MaxPageSize} (a page a half second)",
            HelpName = "n",
            DefaultValueFactory = _ => ClientPages.MaxPageSize,
            CustomParser = PageSize,
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for each page",
            HelpName = "seconds",
            DefaultValueFactory = _ => 2.0,
            CustomParser = result => FlagValues.Seconds(result, zeroAllowed: false),
        };
        var id = CommonOptions.Id("Identity (default: a unique HydraClient-xxxxxx)");
        var command = new Command("clients", "Show the router's client table; exits 1 when it did not answer");
        peer.AddTo(command);
        foreach (var option in new Option[] { json, pageSize, timeout, id })
        {
            command.Options.Add(option);
        }
        command.SetAction(async parse =>
        {
            var wait = TimeSpan.FromSeconds(parse.GetValue(timeout));
            await using var client = new HydraClient(peer.ToOptions(parse) with { Identity = parse.GetValue(id), NetworkTimeout = wait });
            await client.StartAsync(Shutdown.Token);
            try
            {
                var table = await ClientPages.ReadAsync(client, parse.GetValue(pageSize), Shutdown.Token);
                if (parse.GetValue(json))
                {
                    ClientTableText.WriteJson(table, Console.Out);
                }
                else
                {
                    ClientTableText.WriteText(table, Console.Out);
                }
                return 0;
            }
            catch (HydraTimeoutException)
            {
                var why = client.DescribeConnection();
                await Console.Error.WriteLineAsync($"ERROR: no answer from the router at {client.Options.RouterAddress}:{client.Options.RouterPort} within {wait.TotalSeconds:0.###} s{(why.Length > 0 ? $" ({why})" : "")}");
            }
            catch (HydraRemoteException e)
            {
                await Console.Error.WriteLineAsync($"ERROR: the router refused: {e.WireCode}: {e.Detail}");
            }
            catch (HydraException e)
            {
                await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("interrupted");
            }
            return 1;
        });
        return command;
    }

    private static int PageSize(System.CommandLine.Parsing.ArgumentResult result)
    {
        var rows = FlagValues.Count(result); // refuses 0, negatives and words
        if (rows <= ClientPages.MaxPageSize)
        {
            return rows;
        }
        result.AddError($"{FlagValues.Flag(result)} must be a whole number from 1 to {ClientPages.MaxPageSize}, got '{result.Tokens[0].Value}'");
        return 0;
    }
}
