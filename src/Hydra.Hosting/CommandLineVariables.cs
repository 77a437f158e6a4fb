using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hydra.Cluster;
using Hydra.Security;
using Microsoft.Extensions.Configuration;

namespace Hydra.Hosting;

/// <summary>
/// Where the <c>hydra</c> command's one-underscore variables (<c>HYDRA_PORT</c>, docs/operations.md) are read from:
/// the process's environment, unless a test or the <c>hydra</c> command itself (which reads them with its flags) says otherwise.
/// </summary>
internal sealed class CommandLineVariables(Func<string, string?> get)
{
    /// <summary>The process's environment.</summary>
    public static CommandLineVariables Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>No variable at all.</summary>
    public static CommandLineVariables None { get; } = new(_ => null);

    /// <summary>The variable's value; an empty one counts as unset, as for the command.</summary>
    public string? Get(string name) => get(name) is { Length: > 0 } value ? value : null;
}

/// <summary>
/// One of the command's variables and the option it sets: the variable's value is checked as the flag checks it,
/// with the command's words, and an error names the variable as the command's does
/// (<c>--port must be a port number from 0 to 65535 (0: any free port), got 'fifty' (--port from HYDRA_PORT)</c>).
/// </summary>
/// <param name="Flag">The flag of <c>hydra router</c> or <c>hydra pong</c> the variable stands for.</param>
/// <param name="Key">The configuration key it sets, under the section (<c>Port</c>, <c>Cluster:Urls</c>).</param>
/// <param name="Apply">The options with the value in them, or why the value cannot be taken (without the variable's name).</param>
/// <param name="SecretKeyFile">The value names a secret key file, which the command warns about when others can read it.</param>
internal sealed partial record CommandLineVariable<TOptions>(string Flag, string Key, Func<TOptions, string, string, (TOptions? Options, string? Problem)> Apply,
    bool SecretKeyFile = false)
{
    /// <summary>The variable: <c>--heartbeat-port</c> → <c>HYDRA_HEARTBEAT_PORT</c>, the command's rule.</summary>
    public string Name => "HYDRA_" + Flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>
    /// Applies the variable when it is set and the key is not set by a source that wins over it (the command line,
    /// a <c>Hydra__…</c> variable); returns the error line when its value cannot be taken. The command's warning about
    /// a secret key file others can read goes to <paramref name="warnings"/>.
    /// </summary>
    public string? ApplyTo(ref TOptions options, CommandLineVariables variables, IConfiguration? configuration, string section, ICollection<string> warnings)
    {
        if (variables.Get(Name) is not { } value || (configuration is not null && VariablePrecedence.SetAbove(configuration, $"{section}:{Key}")))
        {
            return null;
        }
        var (changed, problem) = Apply(options, value, Flag);
        if (problem is not null)
        {
            // As the command explains an error: the variable is named when the message names its flag.
            return FlagIn(Flag).IsMatch(problem) ? $"{problem} ({Flag} from {Name})" : problem;
        }
        if (SecretKeyFile && KeyFile.PrivacyProblem(value) is { } privacy)
        {
            warnings.Add($"{value} holds a secret key and is {privacy}; make it private: chmod 600 {value}");
        }
        options = changed!;
        return null;
    }

    private static Regex FlagIn(string flag) => new($@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])", RegexOptions.CultureInvariant);
}

internal static class RouterVariables
{
    /// <summary><c>hydra router</c>'s variables that set <see cref="RouterOptions"/>; the others (log, metrics, the terminal app) are the command's.</summary>
    public static IReadOnlyList<CommandLineVariable<RouterOptions>> All { get; } =
    [
        new("--address", nameof(RouterOptions.Address), (o, v, _) => (o with { Address = v }, null)),
        new("--port", nameof(RouterOptions.Port), (o, v, flag) => VariableValues.Port(v, 0, flag) is var (port, problem) && problem is null ? (o with { Port = port }, null) : (null, problem)),
        new("--heartbeat-port", nameof(RouterOptions.HeartbeatPort), (o, v, flag) => VariableValues.Port(v, 0, flag) is var (port, problem) && problem is null ? (o with { HeartbeatPort = port }, null) : (null, problem)),
        new("--curve-key", nameof(RouterOptions.CurveSecretKey), (o, v, flag) => VariableValues.Key(v, KeyFileKind.Secret, flag) is var (key, problem) && problem is null ? (o with { CurveSecretKey = key }, null) : (null, problem),
            SecretKeyFile: true),
        new("--authorized-keys", nameof(RouterOptions.AuthorizedKeys), (o, v, flag) => VariableValues.AuthorizedKeys(v, flag) is var (keys, problem) && problem is null ? (o with { AuthorizedKeys = keys }, null) : (null, problem)),
        new("--transport", nameof(RouterOptions.Transport), (o, v, flag) => VariableValues.Transport(v, flag) is var (transport, problem) && problem is null ? (o with { Transport = transport }, null) : (null, problem)),
        new("--cluster", "Cluster:Urls", (o, v, flag) => VariableValues.ClusterUrls(v, flag) is { } problem
            ? (null, problem)
            : (o with { Cluster = o.Cluster is { } cluster ? cluster with { Urls = v } : new ClusterOptions { Urls = v } }, null)),
        new("--cluster-name", "Cluster:Name", (o, v, flag) => InCluster(o, flag) ?? (VariableValues.Token(v, flag) is { } problem ? (null, problem) : (o with { Cluster = o.Cluster! with { Name = v } }, null))),
        new("--router-id", "Cluster:RouterId", (o, v, flag) => InCluster(o, flag) ?? (VariableValues.Token(v, flag) is { } problem ? (null, problem) : (o with { Cluster = o.Cluster! with { RouterId = v } }, null))),
        new("--nats-creds", "Cluster:CredsFile", (o, v, flag) => InCluster(o, flag) ?? (VariableValues.ExistingFile(v, flag) is { } problem ? (null, problem) : (o with { Cluster = o.Cluster! with { CredsFile = v } }, null))),
    ];

    /// <summary>The command's error for a cluster flag without a cluster (from the variable, the configuration or code); null in a cluster.</summary>
    private static (RouterOptions?, string?)? InCluster(RouterOptions options, string flag) =>
        options.Cluster is null ? (null, $"{flag} needs --cluster: it is about the cluster") : null;
}

internal static class PeerVariables
{
    /// <summary><c>hydra pong</c>'s variables that set <see cref="HydraMQOptions"/>.</summary>
    public static IReadOnlyList<CommandLineVariable<HydraMQOptions>> All { get; } =
    [
        new("--router", nameof(HydraMQOptions.RouterAddress), (o, v, _) => (o with { RouterAddress = v }, null)),
        new("--port", nameof(HydraMQOptions.RouterPort), (o, v, flag) => VariableValues.Port(v, 1, flag) is var (port, problem) && problem is null ? (o with { RouterPort = port }, null) : (null, problem)),
        new("--heartbeat-port", nameof(HydraMQOptions.RouterHeartbeatPort), (o, v, flag) => VariableValues.Port(v, 1, flag) is var (port, problem) && problem is null ? (o with { RouterHeartbeatPort = port }, null) : (null, problem)),
        new("--server-key", nameof(HydraMQOptions.CurveServerKey), (o, v, flag) => VariableValues.Key(v, KeyFileKind.Public, flag) is var (key, problem) && problem is null ? (o with { CurveServerKey = key }, null) : (null, problem)),
        new("--curve-key", nameof(HydraMQOptions.CurveSecretKey), (o, v, flag) => VariableValues.Key(v, KeyFileKind.Secret, flag) is var (key, problem) && problem is null ? (o with { CurveSecretKey = key }, null) : (null, problem),
            SecretKeyFile: true),
        new("--transport", nameof(HydraMQOptions.Transport), (o, v, flag) => VariableValues.Transport(v, flag) is var (transport, problem) && problem is null ? (o with { Transport = transport }, null) : (null, problem)),
        new("--id", nameof(HydraMQOptions.Identity), (o, v, flag) => VariableValues.Identity(v, flag) is { } problem ? (null, problem) : (o with { Identity = v }, null)),
    ];
}

/// <summary>
/// The checks of the <c>hydra</c> command's flag values (src/Hydra.Cli: FlagValues, KeyOptions, ClusterFlags), in its
/// words, for the same values from its variables. <c>VariableParityTests</c> holds the two to the same lines.
/// </summary>
internal static class VariableValues
{
    private const int MaxPort = 65535;
    private const int MaxIdentityBytes = 255;

    public static (int Port, string? Problem) Port(string text, int lowest, string flag) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port >= lowest && port <= MaxPort
            ? (port, null)
            : (0, $"{flag} must be a port number from {lowest} to {MaxPort}{(lowest == 0 ? " (0: any free port)" : "")}, got '{text}'");

    public static (HydraTransport Transport, string? Problem) Transport(string text, string flag) => text.ToLowerInvariant() switch
    {
        "auto" => (HydraTransport.Auto, null),
        "libzmq" => (HydraTransport.LibZmq, null),
        "netmq" => (HydraTransport.NetMQ, null),
        _ => (HydraTransport.Auto, $"{flag} must be auto, libzmq or netmq, got '{text}'"),
    };

    public static string? Identity(string identity, string flag) => identity switch
    {
        _ when HydraIdentities.IsReserved(identity) => $"{flag} {identity} is the router's own name; choose another",
        _ when Encoding.UTF8.GetByteCount(identity) is var bytes && bytes > MaxIdentityBytes => $"{flag} is {bytes} bytes long; ZeroMQ allows at most {MaxIdentityBytes}",
        _ => null,
    };

    public static (string? Key, string? Problem) Key(string path, KeyFileKind wanted, string flag)
    {
        var (file, problem) = Read(path, flag, KeyFile.Read);
        if (file is null)
        {
            return (null, problem);
        }
        if (file.Kind is KeyFileKind.Plain || file.Kind == wanted)
        {
            return (file.Key, null);
        }
        return (null, wanted == KeyFileKind.Secret
            ? $"{path} holds a public key; {flag} needs a secret key file ({Sibling(path, KeyFile.PublicExtension, KeyFile.SecretExtension)})"
            : $"{path} holds a secret key; {flag} needs the router's public key file (a {KeyFile.PublicExtension} file)");
    }

    public static (IReadOnlyList<string>? Keys, string? Problem) AuthorizedKeys(string path, string flag) => Read(path, flag, AuthorizedKeysFile.Read);

    public static string? ClusterUrls(string text, string flag)
    {
        var urls = Hydra.Cluster.ClusterUrls.Split(text);
        var problem = urls.Count == 0
            ? "must name at least one NATS server, e.g. nats://127.0.0.1:4222"
            : urls.Select(Hydra.Cluster.ClusterUrls.Problem).FirstOrDefault(p => p is not null);
        return problem is null ? null : $"{flag}: {problem}";
    }

    public static string? Token(string text, string flag) => ClusterOptions.TokenProblem(text) is { } problem ? $"{flag} {problem}" : null;

    public static string? ExistingFile(string path, string flag) =>
        File.Exists(path) ? null : $"{flag} {path}: {(Directory.Exists(path) ? "is a directory, not a file" : "no such file")}";

    private static (T? Value, string? Problem) Read<T>(string path, string flag, Func<string, T> read) where T : class
    {
        try
        {
            return (read(path), null);
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{flag} {path}: {Describe(e, path)}");
        }
    }

    private static string Describe(Exception e, string path) => e switch
    {
        _ when Directory.Exists(path) => "is a directory, not a file",
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        _ => e.Message,
    };

    /// <summary>The file written with this one by hydra keygen, if it is there; else just its extension.</summary>
    private static string Sibling(string path, string extension, string siblingExtension)
    {
        var sibling = path.EndsWith(extension, StringComparison.Ordinal) ? path[..^extension.Length] + siblingExtension : null;
        return sibling is not null && File.Exists(sibling) ? sibling : $"a {siblingExtension} file";
    }
}

/// <summary>
/// Which wins when a key has a value in the configuration and a <c>HYDRA_*</c> variable: the command line (<c>--Hydra:Router:Port</c>)
/// and the section's own variables (<c>Hydra__Router__Port</c>) win; a file (appsettings.json) or values from code in memory do not.
/// </summary>
internal static class VariablePrecedence
{
    // By name: the hosting package references neither provider's package (the host brings them).
    private const string EnvironmentProvider = "Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider";
    private const string CommandLineProvider = "Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider";

    /// <summary>True when the provider that gives <paramref name="key"/> its value is the command line or an environment variable.</summary>
    public static bool SetAbove(IConfiguration configuration, string key) =>
        Winner(configuration, key) is { } provider && provider.GetType().FullName is EnvironmentProvider or CommandLineProvider;

    /// <summary>The provider whose value for <paramref name="key"/> (or for an item of it, for a list) the configuration gives.</summary>
    private static IConfigurationProvider? Winner(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider is ChainedConfigurationProvider chained)
            {
                if (Winner(chained.Configuration, key) is { } inner)
                {
                    return inner;
                }
                continue;
            }
            if (provider.TryGet(key, out _) || provider.GetChildKeys([], key).Any())
            {
                return provider;
            }
        }
        return null;
    }
}
