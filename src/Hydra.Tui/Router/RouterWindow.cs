using System.Globalization;
using Hydra.Routing;
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

    /// <summary>Columns right of the Configuration box: a space, Start, a space, Quit, a space.</summary>
    private const int ButtonsWidth = 20;

    private readonly IApplication _app;
    private readonly RouterSession _session;
    private readonly ConfigurationBox _configuration;
    private readonly Button _start;
    private readonly Button _quit;
    private readonly TextLabel _totals;
    private readonly TextLabel _keys;
    private RouterState _shownState = (RouterState)(-1);
    private bool _editable = true;

    /// <summary>
    /// False on a narrow screen, where the buttons would cut the settings short: the settings matter
    /// more, and the keys (s, q, Esc) do what the buttons do.
    /// </summary>
    private bool _roomForButtons = true;

    public RouterWindow(IApplication app, RouterSession session)
    {
        _app = app;
        _session = session;
        Title = AppInfo.Title("Hydra Router");

        _configuration = new ConfigurationBox(EndpointOf(session.Options))
        {
            X = 0,
            Y = 0,
            Width = Dim.Func(_ => Math.Max(0, Viewport.Width - (_roomForButtons ? ButtonsWidth : 0))),
        };
        _configuration.StartRequested += Start;

        _start = new Button { Text = "_Start", X = Pos.Right(_configuration) + 1, Y = 1, ShadowStyle = ShadowStyles.None };
        _start.Accepting += (_, e) =>
        {
            e.Handled = true;
            Start();
        };
        _quit = new Button { Text = "_Quit", X = Pos.Right(_configuration) + 11, Y = 1, ShadowStyle = ShadowStyles.None };
        _quit.Accepting += (_, e) =>
        {
            e.Handled = true;
            Quit();
        };

        // One row, always: the line shortens itself to fit (RouterTotals.ToLine) rather than wrap.
        _totals = new TextLabel { X = 1, Y = Pos.Bottom(_configuration), Width = Dim.Fill(), Height = 1, Text = "Not started: press Start (s) to bind the ports" };

        Messages = new ConsolePane("Messages", MessageLines.Header())
        {
            X = 0,
            Y = Pos.Bottom(_totals),
            Width = Dim.Percent(62),
            Height = Dim.Fill(1),
        };
        Clients = new ClientsTable { X = Pos.Right(Messages), Y = Pos.Top(Messages), Width = Dim.Fill(), Height = Dim.Fill(1) };
        _keys = new TextLabel { X = 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill() };

        // Start first: it has the focus, so Enter starts; Tab goes on to Quit, the fields, the console.
        Add(_start, _quit, _configuration, _totals, Messages, Clients, _keys);
        FrameChanged += (_, _) => FitButtons(); // the terminal was resized

        AppKeys.Install(app, Quit, new Dictionary<Key, Action>
        {
            [Key.H] = ToggleHeartbeats,
            [Key.S] = Start,
            [Key.E] = _configuration.Edit,
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
        var names = NameColumns.For(Messages.LineWidth);
        Messages.Header = MessageLines.Header(names.Width);
        Messages.Append(_session.Feed.TakeLines(names));
        Messages.Append(_session.Log.TakeLines());
        if (_session.Totals is { } totals)
        {
            SetText(_totals, totals.ToLine(_totals.Viewport.Width));
        }
        Clients.Show(_session.Clients);
        var editKeys = _editable ? "s Start · e edit address and ports · " : "";
        SetText(_keys, $"{editKeys}h {(_session.Feed.ShowHeartbeats ? "hide" : "show")} heartbeats · q/Esc/Ctrl+C quit");
    }

    /// <summary>Setting a label's text re-lays out the window: skip it when nothing changed (most ticks).</summary>
    private static void SetText(View view, string text)
    {
        if (view.Text != text)
        {
            view.Text = text;
        }
    }

    private static RouterEndpoint EndpointOf(RouterOptions options) => new(options.Address, options.Port, options.HeartbeatPort);

    private void ShowState(RouterState state)
    {
        _shownState = state;
        var editable = state is RouterState.NotStarted or RouterState.Failed;
        _editable = editable;
        _start.Visible = editable && _roomForButtons;
        var endpoint = EndpointOf(_session.Options);
        switch (state)
        {
            case RouterState.Running:
                var (port, heartbeatPort) = _session.BoundPorts;
                endpoint = endpoint with { Port = port, HeartbeatPort = heartbeatPort }; // 0 was "any free": show which
                Messages.Append(string.Create(CultureInfo.InvariantCulture, $"     Routing on tcp://{endpoint.Address}:{port}, heartbeats on port {heartbeatPort}"));
                if (_session.Totals is null)
                {
                    _totals.Text = "Running";
                }
                break;
            case RouterState.Failed:
                Messages.Append($"     ERROR: {_session.Failure}");
                _totals.Text = "Not running: change the address or ports (e), then press Start (s)";
                break;
        }
        _configuration.Show(endpoint, editable);
        // Say where the focus goes when the focused view may have just gone (Start, a field):
        // on Start after a failure, so that Enter, s and e do what the hint says; on the
        // console once routing, so that the arrows scroll it.
        if (state == RouterState.Failed && _start.Visible)
        {
            _start.SetFocus();
        }
        else if (state == RouterState.Running)
        {
            Messages.SetFocus();
        }
    }

    /// <summary>Shows the buttons only where the settings still fit whole beside them.</summary>
    private void FitButtons()
    {
        var room = Viewport.Width - ButtonsWidth >= _configuration.WidthNeeded;
        if (room == _roomForButtons)
        {
            return;
        }
        _roomForButtons = room;
        _quit.Visible = room;
        _start.Visible = room && _editable;
        SetNeedsLayout();
    }

    private void Start()
    {
        if (_session.State is not (RouterState.NotStarted or RouterState.Failed))
        {
            return;
        }
        if (!_configuration.TryRead(out var endpoint, out var problem))
        {
            Messages.Append($"     ERROR: {problem}");
            _totals.Text = "Not started: correct the configuration (e), then press Start (s)";
            return;
        }
        _totals.Text = "Starting…";
        // Binding happens on a pool thread; the timer notices the outcome. Showing Starting now
        // locks the fields at once, and makes a second failure in a row show as new.
        _ = _session.StartAsync(endpoint);
        ShowState(RouterState.Starting);
    }

    private void ToggleHeartbeats()
    {
        var show = !_session.Feed.ShowHeartbeats;
        Messages.Append(_session.Feed.SetShowHeartbeats(show, NameColumns.For(Messages.LineWidth)));
        Messages.Append(show ? "     (heartbeats shown)" : "     (heartbeats hidden; press h to show them)");
        Refresh();
    }

    private void Quit() => _app.RequestStop();
}
