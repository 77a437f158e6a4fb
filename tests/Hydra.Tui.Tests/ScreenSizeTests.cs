using System.Text.RegularExpressions;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Tui.Client;
using Hydra.Tui.Router;
using Terminal.Gui.Input;

namespace Hydra.Tui.Tests;

/// <summary>
/// Both apps at 80 × 24, the size a new terminal opens at, and on a wide screen: everything
/// an operator needs shows, nothing is cut off or wraps out of place, and room is used.
/// </summary>
public sealed class ScreenSizeTests
{
    /// <summary>A default identity: as long as the ones <c>hydra client</c> makes up.</summary>
    private const string LongIdentity = "HydraClient-3f9a1c";

    private static RouterOptions Loopback() => new() { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 };

    private static HydraMQOptions PeerOf(RouterSession session, string identity) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = session.BoundPorts.Port,
        RouterHeartbeatPort = session.BoundPorts.HeartbeatPort,
        Identity = identity,
    };

    /// <summary>
    /// The router on a <paramref name="width"/> × <paramref name="height"/> terminal, started, with
    /// a pong server and a long-named client (both kept connected until disposed), a ping and a
    /// refused ping. <paramref name="beforeStart"/> looks at the screen before Start.
    /// </summary>
    private static async Task<BusyRouter> BusyRouterAsync(int width, int height, Action<HeadlessTerminal>? beforeStart = null)
    {
        var session = new RouterSession(Loopback());
        var terminal = new HeadlessTerminal(width, height);
        var window = new RouterWindow(terminal.App, session);
        var busy = new BusyRouter(new(session, terminal, window));
        try
        {
            terminal.Show(window);
            beforeStart?.Invoke(terminal);
            terminal.Press(Key.S);
            await terminal.WaitForTextAsync("Routing on");
            busy.Server = PongServer.Create(PeerOf(session, HydraIdentities.Server));
            await busy.Server.StartAsync();
            busy.Client = new HydraClient(PeerOf(session, LongIdentity));
            await busy.Client.StartAsync();
            await busy.Client.PingAsync(HydraIdentities.Server);
            await Assert.ThrowsAsync<HydraRemoteException>(() => busy.Client.PingAsync("Nobody"));
            await terminal.WaitForLineAsync(l => l.Contains("msg/s", StringComparison.Ordinal) && l.Contains("clients 2", StringComparison.Ordinal), "totals with both clients");
            await terminal.WaitForLineAsync(l => l.Contains("3f9a1c", StringComparison.Ordinal) && l.Contains("GOOD", StringComparison.Ordinal), "the long-named client's row");
            return busy;
        }
        catch
        {
            await busy.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task At_80x24_the_router_shows_every_setting_totals_on_one_line_and_each_client()
    {
        await using var busy = await BusyRouterAsync(80, 24, beforeStart: terminal =>
        {
            var settings = terminal.Lines[2];
            Assert.Matches(@"Address: 127\.0\.0\.1 +Port: 0 +Heartbeat port: 0 ", settings);
            Assert.Contains("Start ⟧", settings, StringComparison.Ordinal);
            Assert.Contains("Quit ⟧", settings, StringComparison.Ordinal);
            Assert.Contains("s Start · e edit address and ports · h hide heartbeats · q/Esc/Ctrl+C quit", terminal.Screen, StringComparison.Ordinal);
        });
        var (session, terminal, _) = busy.Screen;
        var (port, heartbeatPort) = session.BoundPorts;

        var lines = terminal.Lines;
        Assert.Contains($"Port: {port}", lines[2], StringComparison.Ordinal);
        Assert.Contains($"Heartbeat port: {heartbeatPort}", lines[2], StringComparison.Ordinal);
        // The totals are one line: the Messages box starts right under them.
        var totals = Array.FindIndex(lines, l => l.Contains("msg/s", StringComparison.Ordinal));
        Assert.Contains("err 1", lines[totals], StringComparison.Ordinal);
        Assert.Contains("Messages", lines[totals + 1], StringComparison.Ordinal);
        // Each client with its status and when it was last seen, the long name shortened in the middle.
        Assert.Single(lines, l => Regex.IsMatch(l, @"│HydraServer +│GOOD +│\d+\.\d s│"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"│HydraC…3f9a1c│GOOD +│\d+\.\d s│"));
        // A message line stays on one row, its long name shortened to the column.
        Assert.Single(lines, l => Regex.IsMatch(l, @"│ +\d+ Hydra…3f9a1c >  HydraServer : ping +│"));
    }

    [Fact]
    public async Task On_a_wide_screen_the_router_names_every_counter_and_shows_the_clients_counts()
    {
        await using var busy = await BusyRouterAsync(160, 40);
        var terminal = busy.Screen.Terminal;

        await terminal.WaitForLineAsync(l => l.Contains("errors 1 (unknown_target 1)", StringComparison.Ordinal) && l.Contains("received", StringComparison.Ordinal), "totals in full words");
        Assert.Single(terminal.Lines, l => Regex.IsMatch(l, @"│Identity +│Status│Last seen│ *In│ *Out│"));
        Assert.Single(terminal.Lines, l => Regex.IsMatch(l, $@"│{LongIdentity}│GOOD +│\d+\.\d s ago│ *\d+│ *\d+│"));
        Assert.Single(terminal.Lines, l => Regex.IsMatch(l, $@"│ +\d+ {LongIdentity} > +HydraServer : ping +│"));
    }

    [Fact]
    public async Task After_widening_the_old_message_lines_take_the_new_columns_too()
    {
        await using var busy = await BusyRouterAsync(80, 24);
        var terminal = busy.Screen.Terminal;
        terminal.Resize(160, 45);

        await terminal.WaitForLineAsync(l => Regex.IsMatch(l, $@"│ +\d+ {LongIdentity} > +HydraServer : ping +│"), "the ping laid out again, its name in full");
        // Every message line's '>' sits under the header's, as on a screen that was always this wide.
        var header = Assert.Single(terminal.Lines, l => l.Contains("Sender >", StringComparison.Ordinal));
        var messages = terminal.Lines.Where(l => Regex.IsMatch(l, @"│ +\d+ .* > .* : ")).ToList();
        Assert.True(messages.Count >= 3, terminal.Screen);
        Assert.All(messages, line => Assert.Equal(header.IndexOf(" > ", StringComparison.Ordinal), line.IndexOf(" > ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task At_60x18_the_router_shows_its_settings_whole_rather_than_the_buttons()
    {
        await using var busy = await BusyRouterAsync(60, 18);
        var (session, terminal, _) = busy.Screen;
        var (port, heartbeatPort) = session.BoundPorts;

        await terminal.WaitForLineAsync(l => l.Contains($"Address: 127.0.0.1", StringComparison.Ordinal)
            && l.Contains($"Port: {port}", StringComparison.Ordinal) && l.Contains($"Heartbeat port: {heartbeatPort}", StringComparison.Ordinal), "every setting whole");
        Assert.Contains("q/Esc/Ctrl+C quit", terminal.Screen, StringComparison.Ordinal); // how to quit without the button
    }

    [Fact]
    public async Task At_80x24_the_client_shows_its_settings_buttons_status_and_keys()
    {
        await using var router = new RouterEngine(Loopback());
        await router.StartAsync();
        await using var session = new ClientSession(new HydraMQOptions
        {
            RouterAddress = "127.0.0.1",
            RouterPort = router.Port,
            RouterHeartbeatPort = router.HeartbeatPort,
            Identity = LongIdentity,
        });
        await session.StartAsync();
        using var terminal = new HeadlessTerminal(80, 24);
        using var window = new ClientWindow(terminal.App, session);
        terminal.Show(window);

        await terminal.WaitForTextAsync(ClientWindow.ConnectedText);
        var screen = terminal.Screen;
        Assert.Contains($"Port: {router.Port}   Heartbeat port: {router.HeartbeatPort}", screen, StringComparison.Ordinal);
        Assert.Contains($"Identity: {LongIdentity}", screen, StringComparison.Ordinal);
        Assert.Matches(@"Ping Router ⟧ +⟦ Ping Server ⟧ +Target: HydraServer +⟦ Quit ⟧", screen);
        Assert.Contains("p Ping Router · s Ping Server · t edit target · q/Esc/Ctrl+C quit", screen, StringComparison.Ordinal);
    }

    /// <summary>The router's screen and the peers talking through it, disposed peers first.</summary>
    private sealed class BusyRouter(OpenScreen<RouterSession, RouterWindow> screen) : IAsyncDisposable
    {
        public OpenScreen<RouterSession, RouterWindow> Screen => screen;

        public HydraServer? Server { get; set; }

        public HydraClient? Client { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Client is not null)
            {
                await Client.DisposeAsync();
            }
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
            await screen.DisposeAsync();
        }
    }
}
