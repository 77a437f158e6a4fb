using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hydra.Hosting;

/// <summary>Holds one options record through the options pipeline (the record itself cannot be changed in place).</summary>
internal abstract class Settings<TOptions> where TOptions : class, new()
{
    /// <summary>Where the options were read from, for the messages.</summary>
    public string Section { get; set; } = "";

    public TOptions Options { get; set; } = new();

    /// <summary>Why the section could not be bound, if it could not.</summary>
    public string? Problem { get; set; }

    /// <summary>What the host logs when it reads the options (a secret key file others can read), as the command prints it.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> when the options do not fit together.</summary>
    public abstract void Check();
}

internal sealed class RouterSettings : Settings<RouterOptions>
{
    public override void Check() => Options.Validate();
}

internal sealed class PeerSettings : Settings<HydraMQOptions>
{
    public override void Check()
    {
        CheckPort(Options.RouterPort, nameof(HydraMQOptions.RouterPort));
        CheckPort(Options.RouterHeartbeatPort, nameof(HydraMQOptions.RouterHeartbeatPort));
        if (Options.RouterPort == Options.RouterHeartbeatPort)
        {
            throw new ArgumentException($"RouterPort and RouterHeartbeatPort are both {Options.RouterPort}: the router's two ports differ", nameof(HydraMQOptions.RouterHeartbeatPort));
        }
        if (string.IsNullOrWhiteSpace(Options.RouterAddress))
        {
            throw new ArgumentException("RouterAddress must name the router's host or address, e.g. localhost", nameof(HydraMQOptions.RouterAddress));
        }
        if (Options.HeartbeatInterval <= TimeSpan.Zero || Options.NetworkTimeout <= TimeSpan.Zero || Options.InboxCapacity < 1 || Options.HighWatermark < 1 || Options.MaxMessageSize < 1)
        {
            throw new ArgumentException("HeartbeatInterval, NetworkTimeout, InboxCapacity, HighWatermark and MaxMessageSize must be positive");
        }
        // The peer's own checks (identity, keys) run in its constructor; a peer that is never started costs nothing to
        // stop. Without loggers: its "quit" line would only puzzle whoever reads the host's log.
        new HydraMQ(Options with { LoggerFactory = NullLoggerFactory.Instance }).StopAsync().GetAwaiter().GetResult();
    }

    private static void CheckPort(int port, string name)
    {
        if (port is < 1 or > 65535)
        {
            throw new ArgumentException($"{name} must be 1–65535 (the router's port), not {port}", name);
        }
    }
}

/// <summary>Runs the options' own checks and turns a refusal into one line naming the section.</summary>
internal sealed class SettingsValidation<TSettings, TOptions> : IValidateOptions<TSettings>
    where TSettings : Settings<TOptions>
    where TOptions : class, new()
{
    public ValidateOptionsResult Validate(string? name, TSettings options)
    {
        if (options.Problem is not null)
        {
            return ValidateOptionsResult.Fail(options.Problem);
        }
        try
        {
            options.Check();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{options.Section}: {WithoutParameter(e)}");
        }
    }

    /// <summary>The message as thrown, without the " (Parameter 'x')" that <see cref="ArgumentException.Message"/> adds.</summary>
    internal static string WithoutParameter(ArgumentException e)
    {
        var suffix = e.ParamName is null ? "" : new ArgumentException("", e.ParamName).Message;
        return suffix.Length > 0 && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}
