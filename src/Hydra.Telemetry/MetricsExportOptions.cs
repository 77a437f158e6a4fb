namespace Hydra.Telemetry;

/// <summary>Where an app exports the Hydra meters. Nothing is exported unless a port or an endpoint is set.</summary>
public sealed record MetricsExportOptions
{
    /// <summary>Nothing exported.</summary>
    public static MetricsExportOptions Default { get; } = new();

    /// <summary>Serve Prometheus text at <c>/metrics</c> on this port; 0 picks a free one (see <see cref="MetricsExport.PrometheusPort"/>); null serves nothing.</summary>
    public int? PrometheusPort { get; init; }

    /// <summary>Interface for <c>/metrics</c>: <c>*</c> for all (the default, as Prometheus scrapes from elsewhere), or one address.</summary>
    public string PrometheusAddress { get; init; } = "*";

    /// <summary>Push OTLP here (e.g. <c>http://collector:4318</c>); null pushes nothing.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>How OTLP is sent: protobuf over HTTP (the default, port 4318) or gRPC (port 4317).</summary>
    public OtlpTransport OtlpTransport { get; init; } = OtlpTransport.HttpProtobuf;

    /// <summary>The <c>service.name</c> resource attribute, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public string ServiceName { get; init; } = "hydra";

    /// <summary>True when anything is to be exported.</summary>
    public bool Enabled => PrometheusPort is not null || OtlpEndpoint is not null;
}

/// <summary>The two OTLP transports.</summary>
public enum OtlpTransport
{
    /// <summary>Protobuf over HTTP/1.1, POSTed to <c>/v1/metrics</c>.</summary>
    HttpProtobuf,
    /// <summary>gRPC over HTTP/2.</summary>
    Grpc,
}
