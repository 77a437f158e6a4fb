using System.Runtime.CompilerServices;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Tests;

/// <summary>
/// One app on Terminal.Gui's ANSI driver with no terminal behind it: the test thread is the
/// UI thread, virtual time drives the screen's timers, and the screen is read as text.
/// </summary>
internal sealed class HeadlessTerminal : IDisposable
{
    public const int Width = 120;
    public const int Height = 35;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly VirtualTimeProvider _time = new();
    private SessionToken? _session;
    private Window? _window;

    /// <summary>A terminal of <paramref name="width"/> × <paramref name="height"/> (default: roomier than the usual 80 × 24).</summary>
    public HeadlessTerminal(int width = Width, int height = Height)
    {
        App = Application.Create(_time).Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(width, height);
    }

    public IApplication App { get; }

    /// <summary>The screen as a person would see it (no colours).</summary>
    public string Screen => App.Driver!.ToString() ?? "";

    /// <summary>The screen's lines.</summary>
    public string[] Lines => Screen.Split('\n');

    /// <summary>
    /// <paramref name="count"/> rows of the left-most pane, from the one showing <paramref name="text"/>:
    /// what is between the pane's borders.
    /// </summary>
    public IReadOnlyList<string> PaneRows(string text, int count) =>
        [.. Lines.SkipWhile(l => !l.Contains(text, StringComparison.Ordinal)).Take(count).Select(l => l.Split('│')[2])];

    public void Show(Window window)
    {
        _window = window;
        var testContext = SynchronizationContext.Current;
        _session = App.Begin(window);
        // Begin installs Terminal.Gui's context, which runs continuations only when the main
        // loop turns; the test's own awaits must not wait for a loop that only they turn.
        SynchronizationContext.SetSynchronizationContext(testContext);
        Pump();
    }

    public void Press(Key key)
    {
        App.InjectKey(key);
        Pump();
    }

    /// <summary>The terminal window was resized: lays out and draws again.</summary>
    public void Resize(int width, int height)
    {
        App.Driver!.SetScreenSize(width, height);
        Pump();
    }

    /// <summary>Presses the key of each character in turn, as typing <paramref name="text"/> would.</summary>
    public void Type(string text)
    {
        foreach (var c in text)
        {
            Press(c);
        }
    }

    /// <summary>Presses Tab until <paramref name="view"/> has the focus, as an operator would; fails after a dozen.</summary>
    public void TabTo(View view)
    {
        for (var presses = 0; !view.HasFocus; presses++)
        {
            Assert.True(presses < 12, $"Tab never reached {view.GetType().Name}. The screen:\n{Screen}");
            Press(Key.Tab);
        }
    }

    /// <summary>One turn of the main loop: a timer tick of virtual time, invoked work, a redraw.</summary>
    public void Pump()
    {
        _time.Advance(Tick);
        App.TimedEvents!.RunTimers();
        App.LayoutAndDraw(true);
    }

    /// <summary>Turns the main loop until some screen line satisfies <paramref name="match"/>; fails with the screen at the deadline.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Pump();
            var line = Lines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Waited in vain for {what}. The screen:\n{Screen}");
            }
            // Real sockets answer on their own threads; give them a moment between looks.
            await Task.Delay(20, CancellationToken.None);
        }
    }

    public Task<string> WaitForTextAsync(string text, TimeSpan? timeout = null) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), $"\"{text}\"", timeout);

    public void Dispose()
    {
        if (_session is not null)
        {
            App.End(_session);
        }
        _window?.Dispose();
        App.Dispose();
    }
}

internal static class HeadlessDriver
{
    /// <summary>Without this, a test run inside a real terminal would read and write it, and can hang.</summary>
    [ModuleInitializer]
    internal static void DisableRealDriverIO() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
}
