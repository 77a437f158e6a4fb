using Hydra.Hosting;
using Hydra.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hydra.Cli;

/// <summary>
/// <c>hydra router --headless</c> on the generic host: the router is Hydra.Router.Hosting's
/// (<c>AddHydraRouter</c>), started and stopped with the host; <c>AddSystemd</c> makes it a
/// <c>Type=notify</c> service under systemd (READY=1 once both ports are bound, STOPPING=1 on SIGTERM)
/// and does nothing elsewhere. What the command prints is unchanged: the host brings no configuration
/// of its own (no appsettings.json, no <c>Hydra__*</c> variables: the options are the command line's,
/// with its <c>HYDRA_*</c> variables) and its own log lines are left out; the lines are HydraLog's.
/// </summary>
internal static class HeadlessHost
{
    /// <param name="options">The router's options, with the command's logger.</param>
    /// <param name="export">Metrics export, started once the router listens.</param>
    /// <param name="stop">Cancelled by Ctrl+C and SIGTERM (<see cref="Shutdown"/>); the host's own lifetime hears them too.</param>
    /// <returns>The exit code: 0 after a stop, 1 (with one line on standard error) when the router cannot start.</returns>
    public static async Task<int> RunAsync(RouterOptions options, MetricsExportOptions export, CancellationToken stop)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        // The host's own lines ("Application started. Press Ctrl+C to shut down.", its debug lines) would change the
        // command's output; Hydra's hosting lines (a stop cut short) go to the command's log like the router's.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace); // HydraLog has the level (--log-level)
        builder.Logging.AddFilter((category, _) => category is not null && category.StartsWith("Hydra.", StringComparison.Ordinal));
        builder.Logging.AddProvider(new ForwardingLoggerProvider(options.LoggerFactory));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSystemd();
        // The command line already read HYDRA_* (flags win over them): the hosting package must not read them again.
        builder.Services.AddHydraRouterFromCommandLine(options);
        builder.Services.AddHostedService(services => new AfterListening(options.LoggerFactory, export));
        using var host = builder.Build();
        try
        {
            await host.RunAsync(stop);
        }
        catch (HydraException e)
        {
            // A port in use: the router's own words, one line, as before the host.
            await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
            return 1;
        }
        catch (OptionsValidationException e)
        {
            // Not expected: the command line checks every value first. Still one line.
            await Console.Error.WriteLineAsync($"ERROR: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM while starting: the host stopped what it had started.
        }
        return 0;
    }

    /// <summary>
    /// What the command does once the router listens (it is added after the router, and the host starts its
    /// services in order): the open-files line, then the metrics export; the export stops before the router.
    /// </summary>
    private sealed class AfterListening(ILoggerFactory logs, MetricsExportOptions export) : IHostedService
    {
        private MetricsExport? _metrics;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            OpenFileLimit.Log(logs.CreateLogger("HydraRouter")); // once listening: a router that cannot start says only why
            _metrics = MetricsExport.Start(export, logs.CreateLogger("Hydra.Metrics"));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _metrics?.Dispose();
            _metrics = null;
            return Task.CompletedTask;
        }
    }

    /// <summary>Hands the host's loggers to the command's logger factory (HydraLog's), which formats and filters.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

        public void Dispose()
        {
            // the command owns the factory
        }
    }
}
