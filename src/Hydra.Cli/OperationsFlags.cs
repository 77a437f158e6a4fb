using System.CommandLine;
using System.CommandLine.Parsing;
using Hydra.Logging;
using Hydra.Telemetry;

namespace Hydra.Cli;

/// <summary>
/// The flags for running a service unattended: metrics export (Prometheus, OTLP) and the log format.
/// <c>hydra router</c> and <c>hydra pong</c> take them (docs/operations.md).
/// </summary>
internal sealed class OperationsFlags
{
    public Option<int?> MetricsPort { get; } = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics at /metrics on this port (0: any free port)",
        HelpName = "port",
        CustomParser = result => FlagValues.Port(result, 0),
    };

    public Option<string?> MetricsAddress { get; } = new("--metrics-address")
    {
        Description = "Interface for /metrics: '*' for all (default), or one IP address",
        HelpName = "address",
        CustomParser = ParseMetricsAddress,
    };

    public Option<Uri?> OtlpEndpoint { get; } = new("--otlp-endpoint")
    {
        Description = "Push metrics by OTLP to this URL (e.g. http://collector:4318)",
        HelpName = "url",
        CustomParser = FlagValues.HttpUrl,
    };

    public Option<string?> OtlpProtocol { get; } = new("--otlp-protocol")
    {
        Description = "http/protobuf (default) or grpc",
        HelpName = "protocol",
        CustomParser = result => FlagValues.OneOf(result, OtlpProtocols),
    };

    public Option<string?> LogFormat { get; } = new("--log-format")
    {
        Description = "text (default): the original's lines; json: one object per line",
        HelpName = "format",
        CustomParser = result => FlagValues.OneOf(result, HydraLogFormats.Names),
    };

    private static readonly string[] OtlpProtocols = ["http/protobuf", "grpc"];

    private static string? ParseMetricsAddress(ArgumentResult result)
    {
        var text = result.Tokens is [var token] ? token.Value : "";
        if (Telemetry.MetricsAddress.IsValid(text))
        {
            return text;
        }
        result.AddError($"{FlagValues.Flag(result)} must be '*' (all interfaces), localhost or an IP address, got '{text}'");
        return null;
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { LogFormat, MetricsPort, MetricsAddress, OtlpEndpoint, OtlpProtocol })
        {
            command.Options.Add(option);
        }
        CommonOptions.Requires(command, MetricsAddress, MetricsPort, "it says where /metrics listens");
        CommonOptions.Requires(command, OtlpProtocol, OtlpEndpoint, "it says how to reach the OTLP endpoint");
    }

    public HydraLogFormat LogFormatOf(ParseResult parse) => HydraLogFormats.Parse(parse.GetValue(LogFormat) ?? "text");

    /// <param name="serviceName">The OpenTelemetry service.name: hydra-router, hydra-pong.</param>
    public MetricsExportOptions ExportOf(ParseResult parse, string serviceName) => new()
    {
        PrometheusPort = parse.GetValue(MetricsPort),
        PrometheusAddress = parse.GetValue(MetricsAddress) ?? "*",
        OtlpEndpoint = parse.GetValue(OtlpEndpoint),
        OtlpTransport = parse.GetValue(OtlpProtocol) == "grpc" ? OtlpTransport.Grpc : OtlpTransport.HttpProtobuf,
        ServiceName = serviceName,
    };
}
