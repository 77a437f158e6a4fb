using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Tui.Router;
using Terminal.Gui.Input;

namespace Hydra.Tui.Tests;

public sealed class RouterWindowTests
{
    private static RouterOptions Loopback(TimeSpan? heartbeatInterval = null) => new()
    {
        Address = "127.0.0.1",
        Port = 0,
        HeartbeatPort = 0,
        HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromSeconds(5),
    };

    private static HydraMQOptions PeerOf(RouterSession session, string identity, TimeSpan? heartbeatInterval = null) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = session.BoundPorts.Port,
        RouterHeartbeatPort = session.BoundPorts.HeartbeatPort,
        Identity = identity,
        HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromSeconds(5),
    };

    /// <summary>The router window on the headless terminal, Start pressed, routing.</summary>
    private static async Task<OpenScreen<RouterSession, RouterWindow>> StartedAsync(RouterOptions options)
    {
        var session = new RouterSession(options);
        var terminal = new HeadlessTerminal();
        var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);
        terminal.Press(Key.S);
        await terminal.WaitForTextAsync("Routing on");
        return new(session, terminal, window);
    }

    [Fact]
    public async Task Nothing_listens_until_Start_is_pressed_then_routed_messages_show_as_numbered_lines()
    {
        await using var session = new RouterSession(Loopback());
        using var terminal = new HeadlessTerminal();
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);
        Assert.Contains("Hydra Router v", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("Not started", terminal.Screen, StringComparison.Ordinal);
        Assert.Equal(RouterState.NotStarted, session.State);

        terminal.Press(Key.Enter); // the Start button has the focus
        await terminal.WaitForTextAsync("Routing on tcp://127.0.0.1:");
        Assert.DoesNotContain("Start ⟧", terminal.Screen, StringComparison.Ordinal);

        await using var server = PongServer.Create(PeerOf(session, HydraIdentities.Server));
        await server.StartAsync(); // reachable before the ping
        await using var client = new HydraClient(PeerOf(session, "probe"));
        await client.StartAsync();
        await client.PingAsync(HydraIdentities.Server);

        var ping = await terminal.WaitForLineAsync(l => l.Contains("probe >", StringComparison.Ordinal) && l.Contains("HydraServer : ping", StringComparison.Ordinal), "the ping line");
        var pong = await terminal.WaitForLineAsync(l => l.Contains("HydraServer >", StringComparison.Ordinal) && l.Contains("probe : pong", StringComparison.Ordinal), "the pong line");
        Assert.Matches(@"│\s+\d+\s+probe > +HydraServer : ping", ping);
        Assert.Matches(@"│\s+\d+\s+HydraServer > +probe : pong", pong);
        await terminal.WaitForTextAsync("routed 2");
    }

    [Fact]
    public async Task A_client_row_turns_BAD_when_it_stops_heartbeating()
    {
        var interval = TimeSpan.FromMilliseconds(100);
        await using var screen = await StartedAsync(Loopback(interval));
        var (session, terminal, window) = screen;

        var peer = new HydraMQ(PeerOf(session, "fading", interval));
        await peer.StartAsync();
        var row = await terminal.WaitForLineAsync(l => l.Contains("│fading", StringComparison.Ordinal) && l.Contains("GOOD", StringComparison.Ordinal), "fading as GOOD");
        Assert.Contains("│GOOD", row, StringComparison.Ordinal);

        await peer.StopAsync();
        row = await terminal.WaitForLineAsync(l => l.Contains("│fading", StringComparison.Ordinal) && l.Contains("BAD", StringComparison.Ordinal), "fading as BAD");
        Assert.Contains("│BAD", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_message_shows_its_error_and_is_counted_in_the_totals()
    {
        await using var screen = await StartedAsync(Loopback());
        var (session, terminal, window) = screen;

        await using var client = new HydraClient(PeerOf(session, "lost"));
        await client.StartAsync();
        await Assert.ThrowsAsync<HydraRemoteException>(() => client.PingAsync("Nobody"));

        await terminal.WaitForLineAsync(l => l.Contains("lost >", StringComparison.Ordinal) && l.Contains("(refused) : unknown_target", StringComparison.Ordinal), "the refused line");
        await terminal.WaitForTextAsync("errors 1 (unknown_target 1)");
    }

    [Fact]
    public async Task Pressing_h_hides_heartbeats_and_pressing_it_again_shows_them()
    {
        var interval = TimeSpan.FromMilliseconds(100);
        await using var screen = await StartedAsync(Loopback(interval));
        var (session, terminal, window) = screen;
        await using var peer = new HydraMQ(PeerOf(session, "beater", interval));
        await peer.StartAsync();
        await terminal.WaitForTextAsync("beater >");

        terminal.Press(Key.H);
        Assert.Contains("(heartbeats hidden", window.Messages.Lines[^1], StringComparison.Ordinal);
        var hiddenBefore = session.Feed.HiddenHeartbeats;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (session.Feed.HiddenHeartbeats < hiddenBefore + 3 && !deadline.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None); // poll: heartbeats come on the peer's clock
            }
        }
        terminal.Pump();
        Assert.True(session.Feed.HiddenHeartbeats >= hiddenBefore + 3, "heartbeats went on while hidden");
        Assert.Contains("(heartbeats hidden", window.Messages.Lines[^1], StringComparison.Ordinal);
        Assert.Contains("h show heartbeats", terminal.Screen, StringComparison.Ordinal);

        terminal.Press(Key.H);
        await terminal.WaitForLineAsync(l => l.Contains("(heartbeats shown)", StringComparison.Ordinal), "the note");
        await terminal.WaitForTextAsync("h hide heartbeats");
    }

    [Fact]
    public async Task A_port_in_use_shows_the_error_and_keeps_Start()
    {
        await using var first = new RouterEngine(Loopback());
        await first.StartAsync();
        await using var session = new RouterSession(Loopback() with { Port = first.Port });
        using var terminal = new HeadlessTerminal();
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);

        terminal.Press(Key.S);
        await terminal.WaitForTextAsync("ERROR: cannot listen on");
        Assert.Contains("Start ⟧", terminal.Screen, StringComparison.Ordinal);
        Assert.Equal(RouterState.Failed, session.State);
    }

    [Fact]
    public async Task A_busy_port_can_be_changed_in_the_app_and_Start_pressed_again_then_the_settings_are_read_only()
    {
        await using var first = new RouterEngine(Loopback());
        await first.StartAsync();
        await using var session = new RouterSession(Loopback() with { Port = first.Port });
        using var terminal = new HeadlessTerminal(80, 24);
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);
        terminal.Press(Key.S);
        await terminal.WaitForTextAsync("ERROR: cannot listen on");

        terminal.Press(Key.E); // edit: the focus goes to the address
        terminal.Press(Key.Tab); // the port, its text selected
        terminal.Type("0"); // any free port
        terminal.Press(Key.Enter); // Start
        await terminal.WaitForTextAsync("Routing on tcp://127.0.0.1:");

        Assert.Equal(RouterState.Running, session.State);
        var port = session.BoundPorts.Port;
        Assert.NotEqual(first.Port, port);
        Assert.Contains($"Port: {port} ", terminal.Lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("Start ⟧", terminal.Screen, StringComparison.Ordinal);
        // Routing: e no longer edits, typing changes nothing, and letters are the app's keys again.
        terminal.Press(Key.E);
        terminal.Type("9");
        Assert.Contains($"Port: {port} ", terminal.Lines[2], StringComparison.Ordinal);
        terminal.Press(Key.H);
        Assert.Contains("(heartbeats hidden", window.Messages.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_is_not_a_number_is_refused_and_nothing_is_bound()
    {
        await using var session = new RouterSession(Loopback());
        using var terminal = new HeadlessTerminal(80, 24);
        using var window = new RouterWindow(terminal.App, session);
        terminal.Show(window);

        terminal.Press(Key.E);
        terminal.Press(Key.Tab);
        terminal.Press(Key.Tab); // the heartbeat port
        terminal.Type("http");
        terminal.Press(Key.Enter);

        await terminal.WaitForTextAsync("ERROR: a port must be a number");
        Assert.Equal(RouterState.NotStarted, session.State);
        Assert.Contains("Start ⟧", terminal.Screen, StringComparison.Ordinal);
    }
}
