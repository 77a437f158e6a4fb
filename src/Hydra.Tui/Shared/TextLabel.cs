using System.Text;
using Terminal.Gui.Views;

namespace Hydra.Tui.Shared;

/// <summary>
/// A label that shows its text as given. A plain <see cref="Label"/> takes the first <c>_</c> as
/// a hotkey marker and hides it, which turns <c>unknown_target</c> or an identity such as
/// <c>my_client</c> into something else.
/// </summary>
internal sealed class TextLabel : Label
{
    public TextLabel() => HotKeySpecifier = new Rune(0xFFFF);
}
