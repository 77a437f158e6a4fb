using Hydra.Routing;
using Hydra.Tui.Router;
using Hydra.Tui.Shared;
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

        terminal.TabTo(window.Messages);
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

    [Fact]
    public async Task A_long_line_wraps_onto_indented_rows_and_onto_one_row_again_when_the_terminal_widens()
    {
        await using var session = new RouterSession(new RouterOptions { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 });
        using var terminal = new HeadlessTerminal(80, 24);
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);
        const string line = "     12:00:00 WARNING Refused message from ops-desk: unknown_target: no peer named 'Billing' is connected";

        window.Messages.Append(line);
        terminal.Pump();
        var rows = terminal.PaneRows("WARNING", 3);
        Assert.Equal(line.Trim(), string.Join(' ', rows.Select(r => r.Trim())));
        Assert.All(rows.Skip(1), row => Assert.StartsWith("       ", row, StringComparison.Ordinal)); // the line's indent and two more

        terminal.Resize(200, 24);
        Assert.Single(terminal.Lines, l => l.Contains(line, StringComparison.Ordinal));
    }

    [Fact]
    public void Dropping_the_oldest_line_drops_all_of_its_rows()
    {
        var lines = new ConsoleLines(capacity: 2);
        lines.SetWidth(10);

        lines.Add("one two three four"); // two rows
        lines.Add("five");
        lines.Add("six");

        Assert.Equal(["five", "six"], lines.Lines);
        Assert.Equal(["five", "six"], lines.Rows);
    }
}
