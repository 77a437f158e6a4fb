using Hydra.Mq;
using Hydra.Routing;
using Hydra.Tui.Client;
using Hydra.Tui.Router;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Hydra.Tui.Tests;

/// <summary>The apps' quit keys end <c>Run</c>, the call the command line blocks in.</summary>
public sealed class QuitKeyTests
{
    public static TheoryData<string> Keys => ["q", "Esc", "Ctrl+Q", "Ctrl+C"];

    private static Key KeyNamed(string name) => name switch
    {
        "q" => Key.Q,
        "Esc" => Key.Esc,
        "Ctrl+Q" => Key.Q.WithCtrl,
        "Ctrl+C" => Key.C.WithCtrl,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such quit key"),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task The_router_app_quits_on(string key)
    {
        await using var session = new RouterSession(new RouterOptions { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 });
        await RunUntilKeyAsync(app => new RouterWindow(app, session), KeyNamed(key));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task The_client_app_quits_on(string key)
    {
        await using var session = new ClientSession(new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = 1, RouterHeartbeatPort = 2 });
        await RunUntilKeyAsync(app => new ClientWindow(app, session), KeyNamed(key));
    }

    private static async Task RunUntilKeyAsync(Func<IApplication, Terminal.Gui.Views.Window> create, Key key)
    {
        var run = Task.Factory.StartNew(() =>
        {
            using var app = Application.Create().Init(DriverRegistry.Names.ANSI);
            app.Driver!.SetScreenSize(HeadlessTerminal.Width, HeadlessTerminal.Height);
            using var window = create(app);
            // Queued now, run by the main loop once it turns.
            app.Invoke(() => app.InjectKey(key));
            app.Run(window);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
