namespace Hydra.Tui.Shared;

/// <summary>
/// The apps read keys from standard input and draw on standard output. When either is a
/// pipe or a file (a service manager, a script, <c>nohup</c>), Terminal.Gui finds no keys and
/// no screen and waits silently: say so instead, before anything is bound or drawn.
/// </summary>
internal static class TerminalCheck
{
    /// <summary>The exit code when there is no terminal.</summary>
    public const int NoTerminalExitCode = 1;

    public static bool HasTerminal => !Console.IsInputRedirected && !Console.IsOutputRedirected;

    /// <summary>Writes <c>ERROR: <paramref name="problem"/></c> to standard error.</summary>
    public static async Task<int> ReportMissingAsync(string problem)
    {
        await Console.Error.WriteLineAsync($"ERROR: {problem}");
        return NoTerminalExitCode;
    }
}
