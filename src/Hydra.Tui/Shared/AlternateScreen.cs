namespace Hydra.Tui.Shared;

/// <summary>
/// Leaves nothing of an app behind in the shell's screen. Terminal.Gui draws on the terminal's
/// alternate screen and switches back when the app ends, which should bring the shell's screen
/// back untouched; but after the terminal grew while the app ran, tmux resizes the alternate
/// screen back to its old size as it switches, pushes the app's rows above the cursor into the
/// shell's history, and pulls them back into view as it grows again: 12 rows of the app stayed in
/// the shell after 80 × 24 → 160 × 45. A blank alternate screen with the cursor at the top has no
/// such rows.
/// </summary>
internal static class AlternateScreen
{
    /// <summary>Cursor home, then erase the whole screen.</summary>
    public const string Blank = "\u001b[H\u001b[2J";

    /// <summary>Blanks the screen once the app has stopped drawing, before Terminal.Gui leaves the alternate screen.</summary>
    public static void BlankBeforeLeaving()
    {
        if (Console.IsOutputRedirected)
        {
            return; // a file or a pipe: no screen, and no stray escape codes in it
        }
        Console.Out.Write(Blank);
        Console.Out.Flush();
    }
}
