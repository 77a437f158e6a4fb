using System.CommandLine;
using System.CommandLine.Parsing;
using Hydra.Logging;
using Hydra.Mq;

namespace Hydra.Cli;

/// <summary>Options shared by several commands. Flag names are public API: scripts depend on them.</summary>
internal static class CommonOptions
{
    public const int DefaultPort = 5757;
    public const int DefaultHeartbeatPort = 5758;
    private const string DefaultLogLevel = "info";

    /// <param name="lowest">0 for the router (any free port), 1 for peers, which connect.</param>
    public static Option<int> Port(int lowest) => new("--port")
    {
        Description = "The router's main port",
        HelpName = "port",
        DefaultValueFactory = _ => DefaultPort,
        CustomParser = result => FlagValues.Port(result, lowest),
    };

    /// <param name="lowest">0 for the router (any free port), 1 for peers, which connect.</param>
    public static Option<int> HeartbeatPort(int lowest) => new("--heartbeat-port")
    {
        Description = "The router's heartbeat port",
        HelpName = "port",
        DefaultValueFactory = _ => DefaultHeartbeatPort,
        CustomParser = result => FlagValues.Port(result, lowest),
    };

    /// <summary>
    /// Refuses equal main and heartbeat ports (0 twice is fine: two free ports). Command
    /// validators run before options are parsed, so this reads the raw values; a value the port's
    /// own parser refuses is left to it.
    /// </summary>
    public static void RefuseSamePorts(Command command, Option<int> port, Option<int> heartbeatPort)
    {
        command.Validators.Add(result =>
        {
            if (Given(result, port, DefaultPort) is { } main and not 0 && Given(result, heartbeatPort, DefaultHeartbeatPort) == main)
            {
                result.AddError($"--port and --heartbeat-port are both {main}; they must differ");
            }
        });

        static int? Given(CommandResult result, Option<int> option, int fallback) => result.GetResult(option) is { Tokens: [var token] }
            ? (FlagValues.TryParsePort(token.Value, 0, out var value) ? value : null)
            : fallback;
    }

    /// <summary>Refuses <paramref name="option"/> without <paramref name="needed"/>, saying why in flag words.</summary>
    public static void Requires(Command command, Option option, Option needed, string why) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(option) is not null && result.GetResult(needed) is null)
            {
                result.AddError($"{option.Name} needs {needed.Name}: {why}");
            }
        });

    /// <summary>Which ZeroMQ engine: libzmq when installed (auto), or the one named.</summary>
    public static Option<HydraTransport> Transport() => new("--transport")
    {
        Description = "auto (default: libzmq when installed, else NetMQ), libzmq or netmq",
        HelpName = "engine",
        DefaultValueFactory = _ => HydraTransport.Auto,
        CustomParser = FlagValues.Transport,
    };

    public static Option<string> Router() => new("--router")
    {
        Description = "Router host or address",
        HelpName = "host",
        DefaultValueFactory = _ => "localhost",
    };

    /// <summary>The log level flag; read it with <see cref="LevelOf"/>.</summary>
    public static Option<string?> LogLevel() => new("--log-level")
    {
        // The default is written into the description: "[default: info]" would push the line past 80 columns.
        Description = string.Join(", ", HydraLogLevels.Names.Select(n => n == DefaultLogLevel ? $"{n} (default)" : n)),
        HelpName = "level",
        CustomParser = FlagValues.LogLevel,
    };

    public static HydraLogLevel LevelOf(ParseResult parse, Option<string?> logLevel) =>
        HydraLogLevels.Parse(parse.GetValue(logLevel) ?? DefaultLogLevel);

    public static Option<string?> LogFile() => new("--log-file")
    {
        Description = "Also append log lines to this file",
        HelpName = "file",
        CustomParser = FlagValues.NonEmpty,
    };

    /// <param name="description">What the identity is for.</param>
    /// <param name="fallback">The default identity, or null for a unique one chosen by the library.</param>
    public static Option<string?> Id(string description, string? fallback = null)
    {
        var option = new Option<string?>("--id")
        {
            Description = description,
            HelpName = "name",
            CustomParser = FlagValues.Identity,
        };
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }
        return option;
    }

    /// <summary>The flags every peer command takes to find (and trust) its router.</summary>
    public sealed class PeerFlags
    {
        public Option<string> Router { get; } = CommonOptions.Router();
        public Option<int> Port { get; } = CommonOptions.Port(lowest: 1);
        public Option<int> HeartbeatPort { get; } = CommonOptions.HeartbeatPort(lowest: 1);
        public Option<string?> ServerKey { get; } = KeyOptions.ServerKey();
        public Option<string?> CurveKey { get; } = KeyOptions.CurveKey("This peer's secret key file (authorized keys)");
        public Option<HydraTransport> Transport { get; } = CommonOptions.Transport();

        /// <summary>Adds the flags to <paramref name="command"/>, with the checks that span several of them.</summary>
        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Router, Port, HeartbeatPort, ServerKey, CurveKey, Transport })
            {
                command.Options.Add(option);
            }
            RefuseSamePorts(command, Port, HeartbeatPort);
            Requires(command, CurveKey, ServerKey, "the key is proven over the encrypted channel");
        }

        /// <summary>The peer options these flags describe.</summary>
        public HydraMQOptions ToOptions(ParseResult parse) => new()
        {
            RouterAddress = parse.GetValue(Router)!,
            RouterPort = parse.GetValue(Port),
            RouterHeartbeatPort = parse.GetValue(HeartbeatPort),
            CurveServerKey = parse.GetValue(ServerKey),
            CurveSecretKey = parse.GetValue(CurveKey),
            Transport = parse.GetValue(Transport),
        };
    }
}
