using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using Hydra.Logging;
using Hydra.Protocol;

namespace Hydra.Cli;

/// <summary>
/// Parsers for flag values. Each refuses a bad value with one sentence naming the flag, which
/// <see cref="UsageErrors"/> prints as the whole error; none lets a library message through.
/// </summary>
internal static class FlagValues
{
    /// <summary>Highest TCP port.</summary>
    public const int MaxPort = 65535;

    /// <summary>ZeroMQ refuses longer routing identities.</summary>
    private const int MaxIdentityBytes = 255;

    /// <summary>The flag the value belongs to, as the user would type it.</summary>
    public static string Flag(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;

    private static string Text(ArgumentResult result) => result.Tokens is [var token] ? token.Value : "";

    /// <summary>A port number from <paramref name="lowest"/> to 65535.</summary>
    public static bool TryParsePort(string text, int lowest, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port >= lowest && port <= MaxPort;

    public static int Port(ArgumentResult result, int lowest)
    {
        if (TryParsePort(Text(result), lowest, out var port))
        {
            return port;
        }
        var zero = lowest == 0 ? " (0: any free port)" : "";
        result.AddError($"{Flag(result)} must be a port number from {lowest} to {MaxPort}{zero}, got '{Text(result)}'");
        return 0;
    }

    /// <summary>A whole number, at least 1.</summary>
    public static int Count(ArgumentResult result)
    {
        if (int.TryParse(Text(result), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
        {
            return count;
        }
        result.AddError($"{Flag(result)} must be a whole number, 1 or more, got '{Text(result)}'");
        return 0;
    }

    /// <summary>Seconds, above zero (or zero too when <paramref name="zeroAllowed"/>).</summary>
    public static double Seconds(ArgumentResult result, bool zeroAllowed)
    {
        if (double.TryParse(Text(result), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && (seconds > 0 || (zeroAllowed && seconds == 0)))
        {
            return seconds;
        }
        var least = zeroAllowed ? "0 or more" : "more than 0";
        result.AddError($"{Flag(result)} must be a number of seconds, {least}, got '{Text(result)}'");
        return 0;
    }

    /// <summary>Any text but the empty one (an empty path or name is a slip, not a choice).</summary>
    public static string? NonEmpty(ArgumentResult result)
    {
        if (Text(result) is { Length: > 0 } text)
        {
            return text;
        }
        result.AddError($"{Flag(result)} must not be empty");
        return null;
    }

    /// <summary>A peer identity the router can route to.</summary>
    public static string? Identity(ArgumentResult result)
    {
        var identity = Text(result);
        var bytes = Encoding.UTF8.GetByteCount(identity);
        var problem = identity switch
        {
            "" => $"{Flag(result)} must not be empty",
            _ when HydraIdentities.IsReserved(identity) => $"{Flag(result)} {identity} is the router's own name; choose another",
            _ when bytes > MaxIdentityBytes => $"{Flag(result)} is {bytes} bytes long; ZeroMQ allows at most {MaxIdentityBytes}",
            _ => null,
        };
        if (problem is null)
        {
            return identity;
        }
        result.AddError(problem);
        return null;
    }

    /// <summary>One of <paramref name="words"/>, in any case, returned as listed.</summary>
    public static string? OneOf(ArgumentResult result, IReadOnlyList<string> words)
    {
        foreach (var word in words)
        {
            if (string.Equals(word, Text(result).Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return word;
            }
        }
        result.AddError($"{Flag(result)} must be one of {string.Join(", ", words)}, got '{Text(result)}'");
        return null;
    }

    /// <summary>An absolute http:// or https:// URL.</summary>
    public static Uri? HttpUrl(ArgumentResult result)
    {
        if (Uri.TryCreate(Text(result), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return url;
        }
        result.AddError($"{Flag(result)} must be an http:// or https:// URL, got '{Text(result)}'");
        return null;
    }

    /// <summary>A log level name in any case, returned in lower case.</summary>
    public static string LogLevel(ArgumentResult result)
    {
        try
        {
            return HydraLogLevels.Names[(int)HydraLogLevels.Parse(Text(result))];
        }
        catch (ArgumentException)
        {
            result.AddError($"{Flag(result)} must be one of {string.Join(", ", HydraLogLevels.Names)} (any case), got '{Text(result)}'");
            return "";
        }
    }

    /// <summary>auto, libzmq or netmq (any case).</summary>
    public static HydraTransport Transport(ArgumentResult result)
    {
        switch (Text(result).ToLowerInvariant())
        {
            case "auto":
                return HydraTransport.Auto;
            case "libzmq":
                return HydraTransport.LibZmq;
            case "netmq":
                return HydraTransport.NetMQ;
            default:
                result.AddError($"{Flag(result)} must be auto, libzmq or netmq, got '{Text(result)}'");
                return HydraTransport.Auto;
        }
    }
}
