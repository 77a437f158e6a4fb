using Hydra.Observability;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hydra.Telemetry;

/// <summary>
/// Exports the Hydra.Router and Hydra.MQ meters of this process: Prometheus text at <c>/metrics</c>
/// and/or OTLP pushes, through one OpenTelemetry <see cref="MeterProvider"/>, so both carry the same
/// names. Both read the observable instruments only when they collect, on their own threads.
/// </summary>
public sealed class MetricsExport : IDisposable
{
    private readonly MeterProvider _provider;
    private readonly PrometheusEndpoint? _endpoint;

    private MetricsExport(MeterProvider provider, PrometheusEndpoint? endpoint, string address)
    {
        _provider = provider;
        _endpoint = endpoint;
        if (endpoint is not null)
        {
            ScrapeUrl = $"http://{(MetricsAddress.IsAll(address) ? "127.0.0.1" : MetricsAddress.Parse(address).ToString())}:{endpoint.Port}/metrics";
        }
    }

    /// <summary>The bound <c>/metrics</c> port, or null when Prometheus text is not served.</summary>
    public int? PrometheusPort => _endpoint?.Port;

    /// <summary>Where to scrape on this machine, e.g. <c>http://127.0.0.1:9464/metrics</c>, or null.</summary>
    public string? ScrapeUrl { get; }

    /// <summary>Starts exporting, or returns null when <paramref name="options"/> export nothing.</summary>
    /// <exception cref="HydraException">The metrics port cannot be served (code <see cref="HydraErrorCode.Network"/>; the message says why).</exception>
    public static MetricsExport? Start(MetricsExportOptions options, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }
        var provider = BuildProvider(options);
        PrometheusEndpoint? endpoint = null;
        if (options.PrometheusPort is { } port)
        {
            try
            {
                endpoint = PrometheusEndpoint.Start(provider, options.PrometheusAddress, port);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                provider.Dispose();
                throw new HydraException(HydraErrorCode.Network, $"cannot serve metrics on {options.PrometheusAddress}:{port}: {Reason(e, port)}", e);
            }
        }
        var export = new MetricsExport(provider, endpoint, options.PrometheusAddress);
        if (export.ScrapeUrl is not null)
        {
            log?.LogInformation("Metrics for Prometheus at {MetricsUrl} (port {MetricsPort})", export.ScrapeUrl, export.PrometheusPort);
        }
        if (options.OtlpEndpoint is not null)
        {
            log?.LogInformation("Metrics pushed by OTLP ({OtlpProtocol}) to {OtlpEndpoint}",
                options.OtlpTransport == OtlpTransport.Grpc ? "grpc" : "http/protobuf", OtlpUri(options));
        }
        return export;
    }

    /// <summary>Closes <c>/metrics</c>, then pushes a last time (OTLP) and stops.</summary>
    public void Dispose()
    {
        _endpoint?.Dispose();
        _provider.Dispose();
    }

    private static MeterProvider BuildProvider(MetricsExportOptions options)
    {
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? options.ServiceName,
                serviceVersion: typeof(MetricsExport).Assembly.GetName().Version?.ToString(3)))
            .AddMeter(HydraMeters.Router, HydraMeters.Peer);
        if (options.PrometheusPort is not null)
        {
            // Every scrape reads the counters afresh (the exporter would otherwise answer from a 300 ms cache).
            builder.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
        }
        if (options.OtlpEndpoint is not null)
        {
            builder.AddOtlpExporter(otlp =>
            {
                otlp.Endpoint = OtlpUri(options);
                otlp.Protocol = options.OtlpTransport == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            });
        }
        return builder.Build();
    }

    /// <summary>An OTLP/HTTP endpoint given as a base URL (as OTEL_EXPORTER_OTLP_ENDPOINT is) gets the metrics path.</summary>
    private static Uri OtlpUri(MetricsExportOptions options)
    {
        var endpoint = options.OtlpEndpoint!;
        return options.OtlpTransport == OtlpTransport.HttpProtobuf && endpoint.AbsolutePath is "/" or ""
            ? new Uri(endpoint, "v1/metrics")
            : endpoint;
    }

    private static string Reason(Exception e, int port) => e.GetBaseException() switch
    {
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => $"port {port} is already in use",
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressNotAvailable } => "no interface of this machine has that address",
        _ when e.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase) => $"port {port} is already in use",
        var inner => inner.Message,
    };
}
