using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Hydra.Telemetry;

/// <summary>
/// <c>/metrics</c> in Prometheus text, served by a bare Kestrel (no configuration files, no
/// environment settings, no logging of its own) with OpenTelemetry's Prometheus middleware over
/// the app's <see cref="MeterProvider"/>. Kept apart so ASP.NET Core is loaded only when asked for.
/// </summary>
internal sealed class PrometheusEndpoint : IDisposable
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;

    private PrometheusEndpoint(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Binds <paramref name="address"/> (<c>*</c>, <c>localhost</c> or an IP address) and <paramref name="port"/> (0: a free one).</summary>
    /// <exception cref="IOException">The address and port cannot be bound.</exception>
    public static PrometheusEndpoint Start(MeterProvider provider, string address, int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            if (MetricsAddress.IsAll(address))
            {
                kestrel.ListenAnyIP(port);
            }
            else
            {
                kestrel.Listen(MetricsAddress.Parse(address), port);
            }
        });
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(provider, predicate: null, path: "/metrics", configureBranchedPipeline: null, optionsName: null);
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PrometheusEndpoint(app, new Uri(bound).Port); // e.g. http://[::]:40951 for every interface
    }

    public void Dispose()
    {
        using var budget = new CancellationTokenSource(StopBudget);
        _app.StopAsync(budget.Token).GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }
}

/// <summary>The addresses <c>--metrics-address</c> takes.</summary>
public static class MetricsAddress
{
    /// <summary>True for the words meaning every interface: <c>*</c>, <c>0.0.0.0</c>, <c>::</c>.</summary>
    public static bool IsAll(string address) => address is "*" or "+" or "0.0.0.0" or "::";

    /// <summary>True when <see cref="Parse"/> takes it.</summary>
    public static bool IsValid(string address) => IsAll(address) || address == "localhost" || IPAddress.TryParse(address, out _);

    /// <summary>An IP address; <c>localhost</c> is 127.0.0.1 (Kestrel cannot give localhost a free port).</summary>
    public static IPAddress Parse(string address) => address == "localhost" ? IPAddress.Loopback : IPAddress.Parse(address);
}
