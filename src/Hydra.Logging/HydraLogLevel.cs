using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Hydra.Logging;

/// <summary>The original's five levels.</summary>
public enum HydraLogLevel
{
    /// <summary>Everything.</summary>
    Debug,
    /// <summary>Normal operation.</summary>
    Info,
    /// <summary>Something unexpected that was handled.</summary>
    Warning,
    /// <summary>Something failed.</summary>
    Error,
    /// <summary>The program cannot go on.</summary>
    Critical,
}

/// <summary>Level names and conversions.</summary>
public static class HydraLogLevels
{
    /// <summary>The names accepted by <see cref="Parse"/>, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["debug", "info", "warning", "error", "critical"];

    /// <summary>Parses a level name in any case (<c>INFO</c>, <c>info</c>, <c>Info</c>).</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static HydraLogLevel Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = Names.ToList().FindIndex(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        return index >= 0
            ? (HydraLogLevel)index
            : throw new ArgumentException($"unknown log level '{name}' (use one of: {string.Join(", ", Names)})", nameof(name));
    }

    /// <summary>The word on a log line: DEBUG, INFO, WARNING, ERROR, CRITICAL.</summary>
    public static string ToLabel(this HydraLogLevel level) => Names[(int)level].ToUpperInvariant();

    internal static LogLevel ToMicrosoft(this HydraLogLevel level) => level switch
    {
        HydraLogLevel.Debug => LogLevel.Debug,
        HydraLogLevel.Info => LogLevel.Information,
        HydraLogLevel.Warning => LogLevel.Warning,
        HydraLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    internal static LogEventLevel ToSerilog(this HydraLogLevel level) => level switch
    {
        HydraLogLevel.Debug => LogEventLevel.Debug,
        HydraLogLevel.Info => LogEventLevel.Information,
        HydraLogLevel.Warning => LogEventLevel.Warning,
        HydraLogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };

    internal static HydraLogLevel FromSerilog(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => HydraLogLevel.Debug,
        LogEventLevel.Information => HydraLogLevel.Info,
        LogEventLevel.Warning => HydraLogLevel.Warning,
        LogEventLevel.Error => HydraLogLevel.Error,
        _ => HydraLogLevel.Critical,
    };
}
