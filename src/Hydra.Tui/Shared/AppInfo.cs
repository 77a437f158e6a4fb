using System.Reflection;

namespace Hydra.Tui.Shared;

/// <summary>The version both apps show in their title.</summary>
internal static class AppInfo
{
    public static string Version { get; } = ReadVersion();

    public static string Title(string app) => $"{app} v{Version}";

    private static string ReadVersion()
    {
        var version = typeof(AppInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // The SDK appends "+<commit>"; an operator wants the release number.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
