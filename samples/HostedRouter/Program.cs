// A router and a server peer in one generic host: options from appsettings.json (and Hydra__Router__Port-style
// variables, or the hydra command's HYDRA_PORT-style ones), checked at start, health checks reported to the log. `dotnet run`, then from another terminal:
//   hydra ping --router 127.0.0.1 --target HostedServer --count 2
using Hydra;
using Hydra.Hosting;
using HostedRouter;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd(); // Type=notify under systemd (docs/operations.md); does nothing elsewhere
builder.Services.AddHydraRouter();
builder.Services.AddHydraPeer(options => options with
{
    Methods = new Dictionary<string, HydraMethodHandler>
    {
        [HydraMethods.Ping] = HydraHandlers.Sync(ping => ping.CreateReply(HydraMethods.Pong)),
        ["add"] = HydraHandlers.Sync(m => m.CreateReply("sum", new() { ["sum"] = (int)m.Payload["a"]! + (int)m.Payload["b"]! })),
    },
});
builder.Services.AddHealthChecks().AddHydraRouterChecks().AddHydraPeerCheck();
builder.Services.Configure<HealthReportOptions>(builder.Configuration.GetSection("Sample"));
builder.Services.AddHostedService<HealthReport>();

using var host = builder.Build();
try
{
    await host.RunAsync();
    return Environment.ExitCode;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"ERROR: {e.Message}"); // one line, naming the section: Hydra:Router: Port must be ...
    return 1;
}
catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OptionsValidationException))
{
    // The router and the peer both refused (HYDRA_PORT=fifty is where the router listens and where the peer connects): the first says it.
    await Console.Error.WriteLineAsync($"ERROR: {e.InnerExceptions[0].Message}");
    return 1;
}
catch (HydraException e)
{
    await Console.Error.WriteLineAsync($"ERROR: {e.Message}"); // a port that cannot be bound
    return 1;
}
