using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hydra.Hosting;

/// <summary>
/// Puts a Hydra router and a Hydra peer in the generic host: options bound from configuration
/// (<c>appsettings.json</c>, <c>Hydra__Router__Port</c>-style environment variables, and the <c>hydra</c>
/// command's <c>HYDRA_PORT</c>-style ones, above files and below the rest), checked when the
/// host starts, a hosted service that starts and stops each with the host, and logging through the
/// host's <see cref="ILoggerFactory"/>. The <see cref="RouterEngine"/> and the <see cref="HydraMQ"/> are
/// singletons: inject them to read the bound port, the stats, or to send.
/// </summary>
public static class HydraServiceCollectionExtensions
{
    /// <summary>The configuration section the router's options are read from by default.</summary>
    public const string RouterSection = "Hydra:Router";

    /// <summary>The configuration section the peer's options are read from by default.</summary>
    public const string PeerSection = "Hydra:Peer";

    /// <summary>
    /// Adds a router (<see cref="RouterEngine"/>) that starts with the host: options from the
    /// <paramref name="configSectionPath"/> section (the property names of <see cref="RouterOptions"/>:
    /// <c>Address</c>, <c>Port</c>, <c>HeartbeatPort</c>, <c>Transport</c>, <c>Cluster:Urls</c>, …) and
    /// <c>hydra router</c>'s variables (<c>HYDRA_PORT</c>, <c>HYDRA_CURVE_KEY</c>, …; a key set on the command
    /// line or by a <c>Hydra__Router__…</c> variable wins over them, they win over files), then
    /// <paramref name="configure"/>. They are checked when the host starts: a bad value fails the
    /// start with an <see cref="OptionsValidationException"/> whose message is one line, e.g.
    /// <c>Hydra:Router: Port and HeartbeatPort are both 5757: the two ports must differ</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the bound options, e.g. <c>o =&gt; o with { Address = "127.0.0.1" }</c>; null for none.</param>
    /// <param name="configSectionPath">The configuration section to bind; <see cref="RouterSection"/> by default.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddHydraRouter(this IServiceCollection services, Func<RouterOptions, RouterOptions>? configure = null,
        string configSectionPath = RouterSection) =>
        AddRouter(services, configure is null ? null : (_, options) => configure(options), configSectionPath);

    /// <summary>As <see cref="AddHydraRouter(IServiceCollection, Func{RouterOptions, RouterOptions}?, string)"/>, with the host's services at hand (a <see cref="TimeProvider"/>, say).</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the bound options, given the host's services.</param>
    /// <param name="configSectionPath">The configuration section to bind; <see cref="RouterSection"/> by default.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddHydraRouter(this IServiceCollection services, Func<IServiceProvider, RouterOptions, RouterOptions>? configure,
        string configSectionPath = RouterSection) =>
        AddRouter(services, configure, configSectionPath);

    private static IServiceCollection AddRouter(IServiceCollection services, Func<IServiceProvider, RouterOptions, RouterOptions>? configure, string configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        AddSettings<RouterSettings, RouterOptions>(services, configSectionPath, configure, RouterVariables.All,
            (settings, logs) => settings.Options.LoggerFactory is NullLoggerFactory ? settings.Options with { LoggerFactory = logs } : settings.Options);
        services.TryAddSingleton(sp => new RouterEngine(sp.GetRequiredService<IOptions<RouterSettings>>().Value.Options));
        services.AddHostedService<RouterHostedService>();
        return services;
    }

    /// <summary>
    /// Adds a peer (<see cref="HydraMQ"/>) that connects when the host starts and quits when it stops:
    /// options from the <paramref name="configSectionPath"/> section (the property names of
    /// <see cref="HydraMQOptions"/>: <c>RouterAddress</c>, <c>RouterPort</c>, <c>RouterHeartbeatPort</c>,
    /// <c>Identity</c>, …) and <c>hydra pong</c>'s variables (<c>HYDRA_ROUTER</c>, <c>HYDRA_PORT</c>, <c>HYDRA_ID</c>, …,
    /// as for the router), then <paramref name="configure"/> (where handlers go:
    /// <c>o =&gt; o with { Methods = … }</c>). Checked when the host starts, as for <c>AddHydraRouter</c>.
    /// The host does not wait for the router: the peer connects whenever it is there.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the bound options; null for none.</param>
    /// <param name="configSectionPath">The configuration section to bind; <see cref="PeerSection"/> by default.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddHydraPeer(this IServiceCollection services, Func<HydraMQOptions, HydraMQOptions>? configure = null,
        string configSectionPath = PeerSection) =>
        AddPeer(services, configure is null ? null : (_, options) => configure(options), configSectionPath);

    /// <summary>
    /// As <see cref="AddHydraPeer(IServiceCollection, Func{HydraMQOptions, HydraMQOptions}?, string)"/>, with the host's
    /// services at hand: handlers that use them, <c>(sp, o) =&gt; o with { Methods = Handlers(sp.GetRequiredService&lt;Billing&gt;()) }</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the bound options, given the host's services.</param>
    /// <param name="configSectionPath">The configuration section to bind; <see cref="PeerSection"/> by default.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddHydraPeer(this IServiceCollection services, Func<IServiceProvider, HydraMQOptions, HydraMQOptions>? configure,
        string configSectionPath = PeerSection) =>
        AddPeer(services, configure, configSectionPath);

    private static IServiceCollection AddPeer(IServiceCollection services, Func<IServiceProvider, HydraMQOptions, HydraMQOptions>? configure, string configSectionPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        AddSettings<PeerSettings, HydraMQOptions>(services, configSectionPath, configure, PeerVariables.All,
            (settings, logs) => settings.Options.LoggerFactory is NullLoggerFactory ? settings.Options with { LoggerFactory = logs } : settings.Options);
        services.TryAddSingleton(sp => new HydraMQ(sp.GetRequiredService<IOptions<PeerSettings>>().Value.Options));
        services.AddHostedService<PeerHostedService>();
        return services;
    }

    /// <summary>
    /// The <c>hydra router --headless</c> command's router: its options are the command line's, which already hold the
    /// <c>HYDRA_*</c> variables (a flag wins over its variable), so none is read again, and the options replace whatever the configuration holds.
    /// </summary>
    internal static IServiceCollection AddHydraRouterFromCommandLine(this IServiceCollection services, RouterOptions options)
    {
        services.TryAddSingleton(CommandLineVariables.None);
        return AddRouter(services, (_, _) => options, RouterSection);
    }

    /// <summary>
    /// The options pipeline for one options record: bind the section, take the hydra command's variables
    /// (<see cref="CommandLineVariable{TOptions}"/>), apply the caller's change, give it
    /// the host's loggers, check it (at start). The records have <c>init</c> properties, so the pipeline
    /// works on a holder and replaces the record at each step instead of mutating it.
    /// </summary>
    private static void AddSettings<TSettings, TOptions>(IServiceCollection services, string section, Func<IServiceProvider, TOptions, TOptions>? configure,
        IReadOnlyList<CommandLineVariable<TOptions>> variables, Func<TSettings, ILoggerFactory, TOptions> withLogs)
        where TSettings : Settings<TOptions>, new()
        where TOptions : class, new()
    {
        services.AddOptions<TSettings>()
            .Configure<IServiceProvider>((settings, provider) =>
            {
                settings.Section = section;
                var configuration = provider.GetService<IConfiguration>();
                if (configuration is not null)
                {
                    var options = new TOptions(); // a fresh record: never bind into a shared Default
                    try
                    {
                        configuration.GetSection(section).Bind(options);
                    }
                    catch (InvalidOperationException e)
                    {
                        // A value of the wrong type ("fifty" for a port): reported by the check at start, as one line like the others.
                        settings.Problem = e.Message; // names the key, the value and the type; the inner exception only repeats it
                    }
                    settings.Options = options;
                }
                // The hydra command's variables (HYDRA_PORT), above files and below the command line and the section's own
                // variables (Hydra__Router__Port); a value that does not fit is the command's one line, naming the variable.
                var fromVariables = settings.Options;
                var source = provider.GetService<CommandLineVariables>() ?? CommandLineVariables.Process;
                foreach (var variable in variables)
                {
                    if (variable.ApplyTo(ref fromVariables, source, configuration, section, settings.Warnings) is { } problem)
                    {
                        settings.Problem ??= problem;
                        break;
                    }
                }
                settings.Options = fromVariables;
                if (configure is not null)
                {
                    settings.Options = configure(provider, settings.Options) ?? throw new InvalidOperationException($"the configure function for {section} returned null");
                }
            })
            .PostConfigure<ILoggerFactory>((settings, logs) =>
            {
                settings.Options = withLogs(settings, logs);
                foreach (var warning in settings.Warnings)
                {
                    HostingLog.OptionsWarning(logs.CreateLogger(HostingLog.Category), warning);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TSettings>, SettingsValidation<TSettings, TOptions>>());
    }
}

/// <summary>The hosting package's lines about its options (5xxx, with the hosted services' in HostedServices.cs).</summary>
internal static partial class HostingLog
{
    public const string Category = "Hydra.Hosting";

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void OptionsWarning(ILogger logger, string warning);
}
