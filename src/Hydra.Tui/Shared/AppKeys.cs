using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace Hydra.Tui.Shared;

/// <summary>
/// The apps' own keys, seen before any view: Ctrl+C, Ctrl+Q and Esc always quit; plain
/// letters (q, h, …) act only when the focus is not in a text field, where they are typing.
/// </summary>
/// <remarks>
/// Ctrl+C needs binding here: the driver puts the terminal in raw mode, so Ctrl+C arrives as
/// a key, not as SIGINT, and no view quits on it (a text field would take it as Copy).
/// </remarks>
internal static class AppKeys
{
    public static void Install(IApplication app, Action quit, IReadOnlyDictionary<Key, Action>? letters = null)
    {
        app.Keyboard.KeyDown += (_, key) =>
        {
            if (key.Handled)
            {
                return;
            }
            if (key == Key.C.WithCtrl || key == Key.Q.WithCtrl || key == Key.Esc)
            {
                key.Handled = true;
                quit();
                return;
            }
            if (app.Navigation?.GetFocused() is TextField)
            {
                return;
            }
            if (key == Key.Q)
            {
                key.Handled = true;
                quit();
            }
            else if (letters is not null && letters.TryGetValue(key, out var action))
            {
                key.Handled = true;
                action();
            }
        };
    }
}
