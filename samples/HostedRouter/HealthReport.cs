using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HostedRouter;

/// <summary>What the sample's report does (the "Sample" section).</summary>
public sealed class HealthReportOptions
{
    /// <summary>Time between two reports.</summary>
    public TimeSpan ReportEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Stop the program (exit 0) at the first report where everything is healthy: for scripts and tests.</summary>
    public bool ExitWhenHealthy { get; set; }
}

/// <summary>Runs the health checks now and then and logs one line per check.</summary>
internal sealed partial class HealthReport(HealthCheckService health, IHostApplicationLifetime lifetime, IOptions<HealthReportOptions> options,
    ILogger<HealthReport> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Quickly at first, while the peer connects; then at the configured pace.
        var every = options.Value.ExitWhenHealthy ? TimeSpan.FromMilliseconds(250) : options.Value.ReportEvery;
        using var timer = new PeriodicTimer(every);
        do
        {
            var report = await health.CheckHealthAsync(stoppingToken);
            foreach (var (name, entry) in report.Entries)
            {
                Checked(log, name, entry.Status, entry.Description ?? "");
            }
            if (report.Status == HealthStatus.Healthy && options.Value.ExitWhenHealthy)
            {
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Check}: {Status}, {Description}")]
    private static partial void Checked(ILogger logger, string check, HealthStatus status, string description);
}
