using System.CommandLine;
using Hydra.Logging;
using Hydra.Mq;
using Hydra.Security;

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

    public static Option<FileInfo> ServerKey() => new Option<FileInfo>("--server-key")
    {
        Description = "The router's public key file (from hydra keygen): encrypt with CurveZMQ",
    }.AcceptExistingOnly();

    public static Option<FileInfo> CurveKey(string description) => new Option<FileInfo>("--curve-key")
    {
        Description = description,
    }.AcceptExistingOnly();

    /// <summary>The flags every peer command takes to find (and trust) its router.</summary>
    public sealed class PeerFlags
    {
        public Option<string> Router { get; } = CommonOptions.Router();
        public Option<int> Port { get; } = CommonOptions.Port();
        public Option<int> HeartbeatPort { get; } = CommonOptions.HeartbeatPort();
        public Option<FileInfo> ServerKey { get; } = CommonOptions.ServerKey();
        public Option<FileInfo> CurveKey { get; } = CommonOptions.CurveKey("This peer's secret key file (from hydra keygen), when the router admits authorized keys only");

        public IEnumerable<Option> All => [Router, Port, HeartbeatPort, ServerKey, CurveKey];

        /// <summary>The peer options these flags describe.</summary>
        public HydraMQOptions ToOptions(ParseResult parse) => new()
        {
            RouterAddress = parse.GetValue(Router)!,
            RouterPort = parse.GetValue(Port),
            RouterHeartbeatPort = parse.GetValue(HeartbeatPort),
            CurveServerKey = parse.GetValue(ServerKey) is { } server ? KeyFile.Read(server.FullName).Key : null,
            CurveSecretKey = parse.GetValue(CurveKey) is { } own ? KeyFile.Read(own.FullName).Key : null,
        };
    }
}
