namespace Hydra.Tui.Shared;

/// <summary>
/// One line of a console pane. Most are fixed text; a line whose columns depend on the pane's
/// width (the router's message lines pad names to what the pane has room for) carries
/// <paramref name="LayOut"/>, and is laid out again when the pane is resized, so that old and
/// new lines keep lining up under the header.
/// </summary>
/// <param name="Text">The line as first written.</param>
/// <param name="LayOut">The line for a pane of a given width, or null for fixed text.</param>
internal sealed record ConsoleLine(string Text, Func<int, string>? LayOut = null)
{
    public static implicit operator ConsoleLine(string text) => new(text);

    /// <summary>The line for a pane <paramref name="width"/> wide (0: not laid out yet, the text as written).</summary>
    public string For(int width) => LayOut is not null && width > 0 ? LayOut(width) : Text;

    public override string ToString() => Text;
}
