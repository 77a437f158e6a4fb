using Hydra.Mq;
using Hydra.Routing;
using Hydra.Tui.Client;
using Terminal.Gui.Input;

namespace Hydra.Tui.Tests;

public sealed class ClientWindowTests : IAsyncLifetime
{
    private static readonly TimeSpan FastHeartbeats = TimeSpan.FromMilliseconds(100);
    private readonly RouterEngine _router = new(new RouterOptions { Address = "127.0.0.1", Port = 0, HeartbeatPort = 0 });

    public Task InitializeAsync() => _router.StartAsync();

    public async Task DisposeAsync() => await _router.StopAsync();

    private HydraMQOptions Peer(string? identity = null) => new()
    {
        RouterAddress = "127.0.0.1",
        RouterPort = _router.Port,
        RouterHeartbeatPort = _router.HeartbeatPort,
        Identity = identity,
        HeartbeatInterval = FastHeartbeats,
    };

    private static async Task<OpenScreen<ClientSession, ClientWindow>> OpenAsync(HydraMQOptions options, TimeSpan? pingTimeout = null, int width = HeadlessTerminal.Width, int height = HeadlessTerminal.Height)
    {
        var session = new ClientSession(options, pingTimeout);
        await session.StartAsync();
        var terminal = new HeadlessTerminal(width, height);
        var window = new ClientWindow(terminal.App, session);
        terminal.Show(window);
        return new(session, terminal, window);
    }

    [Fact]
    public async Task Shows_title_configuration_and_Connected_once_heartbeats_are_answered()
    {
        await using var screen = await OpenAsync(Peer("desk-1"));
        var (session, terminal, window) = screen;

        Assert.Contains("Hydra Client v", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("Router host: 127.0.0.1", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains($"Port: {_router.Port}", terminal.Screen, StringComparison.Ordinal);
        Assert.Contains("Identity: desk-1", terminal.Screen, StringComparison.Ordinal);
        await terminal.WaitForTextAsync("Connected");
        Assert.DoesNotContain("Disconnected", terminal.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_Router_shows_Sending_then_Received_pong()
    {
        await using var screen = await OpenAsync(Peer());
        var (session, terminal, window) = screen;

        terminal.Press(Key.P); // the Ping Router button's hotkey
        await terminal.WaitForTextAsync("Sending ping to router (#1)");
        var line = await terminal.WaitForTextAsync("Received pong in");
        Assert.Matches(@"Received pong in \d+\.\d ms \(#1\)", line);
    }

    [Fact]
    public async Task Ping_Server_with_no_server_shows_the_error_reply()
    {
        await using var screen = await OpenAsync(Peer());
        var (session, terminal, window) = screen;

        terminal.Press(Key.S); // the Ping Server button's hotkey
        await terminal.WaitForTextAsync("Sending ping to HydraServer (#1)");
        await terminal.WaitForTextAsync("Error from HydraRouter: unknown_target: no peer named 'HydraServer' is connected (#1)");
    }

    [Fact]
    public async Task Ping_Server_reaches_the_server_named_in_the_target_field()
    {
        await using var server = PongServer.Create(Peer("Echo"));
        await server.StartAsync(); // reachable before the ping
        await using var screen = await OpenAsync(Peer());
        var (session, terminal, window) = screen;
        await terminal.WaitForTextAsync("Connected");

        terminal.Press(Key.T); // the Target label's hotkey focuses the field
        foreach (var key in new[] { Key.E.WithShift, Key.C, Key.H, Key.O })
        {
            terminal.Press(key);
        }
        Assert.Contains("Target: Echo ", terminal.Screen, StringComparison.Ordinal);
        terminal.Press(Key.Tab); // leave the field: letters are app keys again
        terminal.Press(Key.S);
        await terminal.WaitForTextAsync("Sending ping to Echo (#1)");
        await terminal.WaitForTextAsync("Received pong in");
    }

    [Fact]
    public async Task At_80_columns_a_reply_longer_than_the_console_wraps_and_can_be_read_in_full()
    {
        await using var screen = await OpenAsync(Peer(), width: 80, height: 24);
        var (session, terminal, window) = screen;
        const string target = "billing-eu-west";

        terminal.Press(Key.T);
        terminal.Type(target);
        terminal.Press(Key.Tab);
        terminal.Press(Key.S);

        var error = $"Error from HydraRouter: unknown_target: no peer named '{target}' is connected (#1)";
        await terminal.WaitForTextAsync("Error from HydraRouter");
        Assert.True(error.Length > 80, "the reply is wider than the screen");
        var rows = terminal.PaneRows("Error from HydraRouter", 2);
        Assert.Equal(error, string.Join(' ', rows.Select(r => r.Trim())));
        Assert.StartsWith("  ", rows[1], StringComparison.Ordinal); // a continuation row is indented
    }

    [Fact]
    public async Task Status_turns_Disconnected_when_the_router_goes_away()
    {
        await using var screen = await OpenAsync(Peer());
        var (session, terminal, window) = screen;
        await terminal.WaitForTextAsync("Connected");

        await _router.StopAsync();
        await terminal.WaitForTextAsync("Disconnected");
    }
}
