using System.Globalization;
using Hydra.Protocol;
using Hydra.Tui.Shared;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Client;

/// <summary>
/// The Hydra Client screen. Buttons hand work to <see cref="ClientSession"/> on pool threads;
/// results come back as lines through the app's invoke queue, and the status is re-read on a
/// timer. Nothing here waits for the network.
/// </summary>
internal sealed class ClientWindow : Window
{
    /// <summary>How often the connection status is re-read.</summary>
    public static readonly TimeSpan StatusEvery = TimeSpan.FromMilliseconds(500);

    public const string ConnectedText = "🟢 Connected";
    public const string DisconnectedText = "🔴 Disconnected";

    private readonly IApplication _app;
    private readonly ClientSession _session;
    private readonly TextLabel _status;
    private readonly TextField _target;

    public ClientWindow(IApplication app, ClientSession session)
    {
        _app = app;
        _session = session;
        Title = AppInfo.Title("Hydra Client");

        var options = session.Options;
        var configuration = new FrameView { Title = "Configuration", X = 0, Y = 0, Width = Dim.Fill(24), Height = 5 };
        configuration.Add(
            new TextLabel { X = 0, Y = 0, Text = $"Router host: {options.RouterAddress}" },
            new TextLabel { X = 0, Y = 1, Text = string.Create(CultureInfo.InvariantCulture, $"Port: {options.RouterPort}   Heartbeat port: {options.RouterHeartbeatPort}") },
            new TextLabel { X = 0, Y = 2, Text = $"Identity: {session.Identity}" });
        var statusBox = new FrameView { Title = "Status", X = Pos.Right(configuration), Y = 0, Width = Dim.Fill(), Height = 5 };
        _status = new TextLabel { X = 1, Y = 1, Width = Dim.Fill(), Text = DisconnectedText };
        statusBox.Add(_status);

        _target = new TextField { Text = HydraIdentities.Server, Width = 20 };
        var pingRouter = new Button { Text = "_Ping Router", X = 1, Y = Pos.Bottom(configuration), ShadowStyle = ShadowStyles.None };
        pingRouter.Accepting += (_, e) =>
        {
            e.Handled = true;
            Ping(HydraIdentities.Router);
        };
        var pingServer = new Button { Text = "Ping _Server", X = Pos.Right(pingRouter) + 2, Y = Pos.Top(pingRouter), ShadowStyle = ShadowStyles.None };
        pingServer.Accepting += (_, e) =>
        {
            e.Handled = true;
            Ping(_target.Text?.Trim() ?? "");
        };
        // Its hotkey (t) moves the focus to the target field.
        var targetLabel = new Label { Text = "_Target:", X = Pos.Right(pingServer) + 2, Y = Pos.Top(pingRouter) };
        _target.X = Pos.Right(targetLabel) + 1;
        _target.Y = Pos.Top(pingRouter);
        var quit = new Button { Text = "_Quit", X = Pos.Right(_target) + 2, Y = Pos.Top(pingRouter), ShadowStyle = ShadowStyles.None };
        quit.Accepting += (_, e) =>
        {
            e.Handled = true;
            Quit();
        };

        Console = new ConsolePane("Console") { X = 0, Y = Pos.Bottom(pingRouter), Width = Dim.Fill(), Height = Dim.Fill(1) };
        var keys = new TextLabel { X = 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Text = "p Ping Router · s Ping Server · t edit target · q/Esc/Ctrl+C quit" };

        Add(pingRouter, pingServer, targetLabel, _target, quit, configuration, statusBox, Console, keys);

        // Also bound here, not only as button hotkeys: with the focus in the console, the
        // list would take a letter to search its lines instead.
        AppKeys.Install(app, Quit, new Dictionary<Key, Action>
        {
            [Key.P] = () => Ping(HydraIdentities.Router),
            [Key.S] = () => Ping(_target.Text?.Trim() ?? ""),
            [Key.T] = () => _target.SetFocus(),
        });
        _session.Line += ShowLine;
        app.AddTimeout(StatusEvery, () =>
        {
            RefreshStatus();
            return true;
        });
        RefreshStatus();
    }

    /// <summary>The console pane.</summary>
    public ConsolePane Console { get; }

    /// <summary>Re-reads the connection state from the heartbeats. UI thread.</summary>
    public void RefreshStatus()
    {
        var text = _session.IsConnected ? ConnectedText : DisconnectedText;
        if (_status.Text != text)
        {
            _status.Text = text; // only on a change: setting text re-lays out the window
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _session.Line -= ShowLine;
        }
        base.Dispose(disposing);
    }

    private void Ping(string target)
    {
        if (target.Length == 0)
        {
            Console.Append("Type a target name first (e.g. HydraServer)");
            return;
        }
        // Sending goes through the peer's queue; keep even that off the UI thread.
        _ = Task.Run(() => _session.PingAsync(target));
    }

    private void ShowLine(string line) => _app.Invoke(() => Console.Append(line));

    private void Quit() => _app.RequestStop();
}
