namespace Hydra.Logging;

/// <summary>How log lines are written.</summary>
public enum HydraLogFormat
{
    /// <summary>The original's lines: <c>[2026-01-31 12:00:00] [INFO] [HydraRouter] message</c>.</summary>
    Text,
    /// <summary>One JSON object per line, for log shippers (docs/operations.md lists the fields).</summary>
    Json,
}

/// <summary>Format names, as the <c>--log-format</c> flag takes them.</summary>
public static class HydraLogFormats
{
    /// <summary>The names accepted by <see cref="Parse"/>, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["text", "json"];

    /// <summary>Parses a format name in any case.</summary>
    /// <exception cref="ArgumentException">Not one of <see cref="Names"/>.</exception>
    public static HydraLogFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return (HydraLogFormat)i;
            }
        }
        throw new ArgumentException($"unknown log format '{name}' (use one of: {string.Join(", ", Names)})", nameof(name));
    }
}
