using System.Globalization;
using Hydra.Tui.Shared;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Hydra.Tui.Router;

/// <summary>
/// The Hydra Router screen. It only shows what <see cref="RouterSession"/> has gathered,
/// on a fixed-rate timer, so a flood of messages costs the screen no more than a trickle.
/// </summary>
internal sealed class RouterWindow : Window
{
    /// <summary>How often the screen takes new lines and numbers from the session.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromMilliseconds(250);

    private readonly IApplication _app;
    private readonly RouterSession _session;
    private readonly TextLabel _configuration;
    private readonly Button _start;
    private readonly TextLabel _totals;
    private readonly TextLabel _keys;
    private RouterState _shownState = (RouterState)(-1);

    public RouterWindow(IApplication app, RouterSession session)
    {
        _app = app;
        _session = session;
        Title = AppInfo.Title("Hydra Router");

        var configurationBox = new FrameView { Title = "Configuration", X = 0, Y = 0, Width = Dim.Fill(24), Height = 3 };
        _configuration = new TextLabel { X = 0, Y = 0, Width = Dim.Fill(), Text = DescribeConfiguration() };
        configurationBox.Add(_configuration);

        _start = new Button { Text = "_Start", X = Pos.Right(configurationBox) + 1, Y = 1, ShadowStyle = ShadowStyles.None };
        _start.Accepting += (_, e) =>
        {
            e.Handled = true;
            Start();
        };
        var quit = new Button { Text = "_Quit", X = Pos.Right(configurationBox) + 12, Y = 1, ShadowStyle = ShadowStyles.None };
        quit.Accepting += (_, e) =>
        {
            e.Handled = true;
            Quit();
        };

        _totals = new TextLabel { X = 1, Y = Pos.Bottom(configurationBox), Width = Dim.Fill(), Text = "Not started: press Start (s) to bind the ports" };

        Messages = new ConsolePane("Messages", MessageLines.Header())
        {
            X = 0,
            Y = Pos.Bottom(_totals),
            Width = Dim.Percent(62),
            Height = Dim.Fill(1),
        };
        Clients = new ClientsTable { X = Pos.Right(Messages), Y = Pos.Top(Messages), Width = Dim.Fill(), Height = Dim.Fill(1) };
        _keys = new TextLabel { X = 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill() };

        Add(_start, quit, configurationBox, _totals, Messages, Clients, _keys);

        AppKeys.Install(app, Quit, new Dictionary<Key, Action>
        {
            [Key.H] = ToggleHeartbeats,
            [Key.S] = Start,
        });
        app.AddTimeout(RefreshEvery, () =>
        {
            Refresh();
            return true;
        });
        Refresh();
    }

    /// <summary>The message console.</summary>
    public ConsolePane Messages { get; }

    /// <summary>The Clients box.</summary>
    public ClientsTable Clients { get; }

    /// <summary>Takes whatever the session gathered since the last call and shows it. UI thread.</summary>
    public void Refresh()
    {
        var state = _session.State;
        if (state != _shownState)
        {
            ShowState(state);
        }
        var nameWidth = MessageLines.NameWidthFor(Messages.LineWidth);
        Messages.Header = MessageLines.Header(nameWidth);
        Messages.Append(_session.Feed.TakeLines(nameWidth));
        Messages.Append(_session.Log.TakeLines());
        if (_session.Totals is { } totals)
        {
            SetText(_totals, totals.ToLine());
        }
        Clients.Show(_session.Clients);
        var startKey = _start.Visible ? "s Start · " : "";
        SetText(_keys, $"{startKey}h {(_session.Feed.ShowHeartbeats ? "hide" : "show")} heartbeats · q/Esc/Ctrl+Q quit");
    }

    /// <summary>Setting a label's text re-lays out the window: skip it when nothing changed (most ticks).</summary>
    private static void SetText(View view, string text)
    {
        if (view.Text != text)
        {
            view.Text = text;
        }
    }

    private void ShowState(RouterState state)
    {
        _shownState = state;
        _start.Visible = state is RouterState.NotStarted or RouterState.Failed;
        _configuration.Text = DescribeConfiguration();
        switch (state)
        {
            case RouterState.Running:
                var (port, heartbeatPort) = _session.BoundPorts;
                Messages.Append(string.Create(CultureInfo.InvariantCulture, $"     Routing on tcp://{_session.Options.Address}:{port}, heartbeats on port {heartbeatPort}"));
                if (_session.Totals is null)
                {
                    _totals.Text = "Running";
                }
                break;
            case RouterState.Failed:
                Messages.Append($"     ERROR: {_session.Failure}");
                _totals.Text = "Not running: fix the configuration, or press Start (s) to try again";
                break;
        }
    }

    private string DescribeConfiguration()
    {
        var options = _session.Options;
        var (port, heartbeatPort) = _session.State == RouterState.Running ? _session.BoundPorts : (options.Port, options.HeartbeatPort);
        return string.Create(CultureInfo.InvariantCulture, $"Address: {options.Address}   Port: {Show(port)}   Heartbeat port: {Show(heartbeatPort)}");

        static string Show(int port) => port == 0 ? "any free" : port.ToString(CultureInfo.InvariantCulture);
    }

    private void Start()
    {
        if (_session.State is RouterState.NotStarted or RouterState.Failed)
        {
            _totals.Text = "Starting…";
            // Binding happens on a pool thread; the timer notices the new state.
            _ = _session.StartAsync();
        }
    }

    private void ToggleHeartbeats()
    {
        var show = !_session.Feed.ShowHeartbeats;
        Messages.Append(_session.Feed.SetShowHeartbeats(show, MessageLines.NameWidthFor(Messages.LineWidth)));
        Messages.Append(show ? "     (heartbeats shown)" : "     (heartbeats hidden; press h to show them)");
        Refresh();
    }

    private void Quit() => _app.RequestStop();
}
