using System.CommandLine;
using Hydra.Logging;
using Hydra.Mq;

namespace Hydra.Cli;

/// <summary>Options shared by several commands. Flag names are public API: scripts depend on them.</summary>
internal static class CommonOptions
{
    public static Option<int> Port() => new("--port")
    {
        Description = "The router's main port",
        DefaultValueFactory = _ => 5757,
    };

    public static Option<int> HeartbeatPort() => new("--heartbeat-port")
    {
        Description = "The router's heartbeat port",
        DefaultValueFactory = _ => 5758,
    };

    public static Option<string> Router() => new("--router")
    {
        Description = "Host name or address of the router",
        DefaultValueFactory = _ => "localhost",
    };

    public static Option<string> LogLevel() => new Option<string>("--log-level")
    {
        Description = $"Lowest level logged: {string.Join(", ", HydraLogLevels.Names)} (any case)",
        DefaultValueFactory = _ => "info",
    }.AcceptOnlyFromAmong([.. HydraLogLevels.Names, .. HydraLogLevels.Names.Select(n => n.ToUpperInvariant())]);

    public static Option<string?> LogFile() => new("--log-file")
    {
        Description = "Also append log lines to this file",
    };

    /// <summary>The peer options for the router named by the common flags.</summary>
    public static HydraMQOptions PeerOptions(ParseResult parse, Option<string> router, Option<int> port, Option<int> heartbeatPort) => new()
    {
        RouterAddress = parse.GetValue(router)!,
        RouterPort = parse.GetValue(port),
        RouterHeartbeatPort = parse.GetValue(heartbeatPort),
    };
}
