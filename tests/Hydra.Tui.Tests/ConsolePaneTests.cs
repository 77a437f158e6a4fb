using Hydra.Routing;
using Hydra.Tui.Router;
using Terminal.Gui.Input;

namespace Hydra.Tui.Tests;

public sealed class ConsolePaneTests
{
    [Fact]
    public async Task The_console_follows_new_lines_until_the_operator_scrolls_up_and_again_after_End()
    {
        await using var session = new RouterSession(new RouterOptions { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 });
        using var terminal = new HeadlessTerminal();
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);
        window.Messages.Append(Enumerable.Range(0, 100).Select(i => $"line {i}"));
        terminal.Pump();
        Assert.Contains("│line 99 ", terminal.Screen, StringComparison.Ordinal);

        terminal.Press(Key.Tab);
        terminal.Press(Key.Tab); // Start, Quit, then the console
        terminal.Press(Key.PageUp);
        window.Messages.Append("line 100");
        terminal.Pump();
        Assert.DoesNotContain("│line 100 ", terminal.Screen, StringComparison.Ordinal);
        Assert.DoesNotContain("│line 0 ", terminal.Screen, StringComparison.Ordinal); // one page back, not to the top

        terminal.Press(Key.End);
        window.Messages.Append("line 101");
        terminal.Pump();
        Assert.Contains("│line 101 ", terminal.Screen, StringComparison.Ordinal);
    }
}
