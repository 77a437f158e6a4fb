using System.CommandLine;
using System.CommandLine.Parsing;
using Hydra.Cluster;

namespace Hydra.Cli;

/// <summary>
/// <c>--cluster URLS [--cluster-name NAME] [--router-id ID] [--nats-creds FILE]</c>: join a cluster of
/// routers over NATS (docs/cluster.md). The three last need the first; each bad value is one line.
/// </summary>
internal sealed class ClusterFlags
{
    public Option<string?> Urls { get; } = new("--cluster")
    {
        Description = "Join a cluster of routers over NATS: nats://HOST:PORT[,nats://...] (tls:// for TLS)",
        HelpName = "urls",
        CustomParser = ParseUrls,
    };

    public Option<string?> Name { get; } = new("--cluster-name")
    {
        Description = "Routers with the same name act as one (default: hydra)",
        HelpName = "name",
        CustomParser = ParseToken,
    };

    public Option<string?> RouterId { get; } = new("--router-id")
    {
        Description = "This router's name in the cluster (default: host name and a random suffix)",
        HelpName = "id",
        CustomParser = ParseToken,
    };

    public Option<string?> CredsFile { get; } = new("--nats-creds")
    {
        Description = "NATS credentials file (JWT and seed) for the cluster's servers",
        HelpName = "file",
        CustomParser = ParseFile,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Urls, Name, RouterId, CredsFile })
        {
            command.Options.Add(option);
        }
        foreach (var option in new Option[] { Name, RouterId, CredsFile })
        {
            CommonOptions.Requires(command, option, Urls, "it is about the cluster");
        }
    }

    /// <summary>The cluster options these flags describe; null without <c>--cluster</c>.</summary>
    public ClusterOptions? ToOptions(ParseResult parse)
    {
        if (parse.GetValue(Urls) is not { } urls)
        {
            return null;
        }
        var options = new ClusterOptions { Urls = urls, CredsFile = parse.GetValue(CredsFile) };
        options = parse.GetValue(Name) is { } name ? options with { Name = name } : options;
        return parse.GetValue(RouterId) is { } id ? options with { RouterId = id } : options;
    }

    private static string? ParseUrls(ArgumentResult result)
    {
        var text = result.Tokens is [var token] ? token.Value : "";
        var urls = ClusterUrls.Split(text);
        var problem = urls.Count == 0
            ? "must name at least one NATS server, e.g. nats://127.0.0.1:4222"
            : urls.Select(ClusterUrls.Problem).FirstOrDefault(p => p is not null);
        if (problem is null)
        {
            return text;
        }
        result.AddError($"{FlagValues.Flag(result)}: {problem}");
        return null;
    }

    private static string? ParseToken(ArgumentResult result)
    {
        var text = result.Tokens is [var token] ? token.Value : "";
        if (ClusterOptions.TokenProblem(text) is not { } problem)
        {
            return text;
        }
        result.AddError($"{FlagValues.Flag(result)} {problem}");
        return null;
    }

    private static string? ParseFile(ArgumentResult result)
    {
        var path = result.Tokens is [var token] ? token.Value : "";
        if (path.Length > 0 && File.Exists(path))
        {
            return path;
        }
        result.AddError(path.Length == 0 ? $"{FlagValues.Flag(result)} must not be empty" : $"{FlagValues.Flag(result)} {path}: {(Directory.Exists(path) ? "is a directory, not a file" : "no such file")}");
        return null;
    }
}
