using Hydra.Logging;
using Hydra.Routing;
using Hydra.Telemetry;
using Hydra.Tui.Shared;
using Microsoft.Extensions.Logging;
using Terminal.Gui.App;

namespace Hydra.Tui.Router;

/// <summary>How the Hydra Router app starts.</summary>
public sealed record RouterAppOptions
{
    /// <summary>The original's defaults: all interfaces, ports 5757 and 5758, wait for Start.</summary>
    public static RouterAppOptions Default { get; } = new();

    /// <summary>Where and how the router listens. Its <c>LoggerFactory</c> is replaced by the app's log.</summary>
    public RouterOptions Router { get; init; } = RouterOptions.Default;

    /// <summary>Start routing at once instead of waiting for the Start button.</summary>
    public bool StartImmediately { get; init; }

    /// <summary>Lowest level shown in the console and written to <see cref="LogFile"/>.</summary>
    public HydraLogLevel LogLevel { get; init; } = HydraLogLevel.Info;

    /// <summary>Also append log lines to this file.</summary>
    public string? LogFile { get; init; }

    /// <summary>How lines are written to <see cref="LogFile"/>; the console pane always shows text lines.</summary>
    public HydraLogFormat LogFormat { get; init; } = HydraLogFormat.Text;

    /// <summary>Where the router's metrics are exported while the app runs (nowhere by default).</summary>
    public MetricsExportOptions Metrics { get; init; } = MetricsExportOptions.Default;
}

/// <summary>The Hydra Router terminal app: the router engine with a live console, totals and client table.</summary>
public static class RouterApp
{
    /// <summary>Runs the app in this terminal until the operator quits (or <paramref name="cancellationToken"/> fires).</summary>
    /// <returns>The process exit code: 0, or 1 when standard input or output is not a terminal.</returns>
    public static async Task<int> RunAsync(RouterAppOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TerminalCheck.HasTerminal)
        {
            return await TerminalCheck.ReportMissingAsync("hydra router needs a terminal; use --headless to run without one");
        }
        // The app owns the terminal: log lines go to the console pane (and the file), never to stderr.
        using var logLines = new LogLines();
        using var log = new HydraLog("HydraRouter", options.LogFile, toConsole: true, options.LogLevel, console: logLines, fileFormat: options.LogFormat);
        // Before the terminal is taken, so a port that cannot be served is one error line; the meter
        // appears once the router starts, and the exporter picks it up then.
        using var metrics = MetricsExport.Start(options.Metrics, log.LoggerFactory.CreateLogger("Hydra.Metrics"));
        await using var session = new RouterSession(options.Router with { LoggerFactory = log.LoggerFactory }, logLines);
        if (options.StartImmediately)
        {
            _ = session.StartAsync();
        }
        try
        {
            using var app = Application.Create().Init();
            using var window = new RouterWindow(app, session);
            using var stop = cancellationToken.Register(() => app.Invoke(app.RequestStop));
            using var signals = StopSignals.Install(app);
            app.Run(window);
            AlternateScreen.BlankBeforeLeaving(); // Terminal.Gui leaves it as app is disposed
        }
        finally
        {
            KeypadMode.Reset(); // once Terminal.Gui has restored the modes it set
        }
        return 0;
    }
}
