using Hydra.Mq;
using Hydra.Tui.Shared;
using Terminal.Gui.App;

namespace Hydra.Tui.Client;

/// <summary>The Hydra Client terminal app: connection status from heartbeats, and pings to the router or a server.</summary>
public static class ClientApp
{
    /// <summary>
    /// Heartbeats every second, so the status turns red within two seconds of losing the
    /// router (the library default of 5 s would take 10).
    /// </summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs the app in this terminal until the operator quits (or <paramref name="cancellationToken"/> fires).</summary>
    /// <param name="options">The router to use and this client's identity (null: a unique <c>HydraClient-xxxxxx</c>).</param>
    /// <param name="cancellationToken">Stops the app, as Quit does.</param>
    /// <returns>The process exit code: 0, or 1 when standard input or output is not a terminal.</returns>
    public static async Task<int> RunAsync(HydraMQOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TerminalCheck.HasTerminal)
        {
            return await TerminalCheck.ReportMissingAsync("hydra client needs a terminal (it is a full-screen app; hydra ping works without one)");
        }
        await using var session = new ClientSession(options with { HeartbeatInterval = HeartbeatInterval });
        try
        {
            using var app = Application.Create().Init();
            using var window = new ClientWindow(app, session);
            // Connect once the window listens, so a failure (unknown host) shows in its console.
            var starting = session.StartAsync();
            using var stop = cancellationToken.Register(() => app.Invoke(app.RequestStop));
            using var signals = StopSignals.Install(app);
            app.Run(window);
            AlternateScreen.BlankBeforeLeaving(); // Terminal.Gui leaves it as app is disposed
            await starting;
        }
        finally
        {
            KeypadMode.Reset(); // once Terminal.Gui has restored the modes it set
        }
        return 0;
    }
}
