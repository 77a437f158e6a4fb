namespace Hydra.Tui.Shared;

/// <summary>
/// Puts the terminal's keypad back in normal mode when an app ends. .NET's console turns on
/// the keypad's application mode (terminfo <c>smkx</c>: <c>ESC[?1h ESC=</c>) when it first
/// touches a terminal and never turns it off again, and Terminal.Gui restores only the modes
/// it set itself (alternate screen, mouse, cursor). Left on, the shell after the app gets
/// <c>ESC O A</c> for the Up key instead of <c>ESC [ A</c>, which some shells and programs
/// do not understand, and the numeric keypad sends letters.
/// </summary>
internal static class KeypadMode
{
    /// <summary>
    /// xterm's <c>rmkx</c> (tmux, screen and the common emulators share it): cursor keys back to
    /// normal (DECCKM off), keypad back to numeric (DECKPNM).
    /// </summary>
    public const string Normal = "\u001b[?1l\u001b>";

    /// <summary>Writes <see cref="Normal"/> to the terminal, if standard output is one.</summary>
    public static void Reset()
    {
        if (Console.IsOutputRedirected)
        {
            return; // a file or a pipe: no keypad, and no stray escape codes in it
        }
        Console.Out.Write(Normal);
        Console.Out.Flush();
    }
}
