using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster;

/// <summary>
/// How a router joins a cluster of routers that act as one, over NATS (docs/cluster.md). Set
/// <see cref="RouterOptions.Cluster"/> to it; without it a router is alone and needs no NATS.
/// </summary>
public sealed partial record ClusterOptions
{
    /// <summary>
    /// NATS server URLs, comma-separated: <c>nats://host:4222</c>, <c>tls://host:4222</c> for TLS,
    /// <c>nats://user:password@host:4222</c> for a user and password. NATS.Net reconnects to any of
    /// them (and to the servers they announce) when one goes away.
    /// </summary>
    public required string Urls { get; init; }

    /// <summary>
    /// The cluster's name: routers with the same name on the same NATS act as one router; other
    /// names on the same NATS do not see each other. Letters, digits, '-' and '_'.
    /// </summary>
    public string Name { get; init; } = "hydra";

    /// <summary>This router's name in the cluster (the <c>router</c> field of <c>clients</c>); unique per router. Letters, digits, '-' and '_'.</summary>
    public string RouterId { get; init; } = NewRouterId();

    /// <summary>A NATS credentials file (JWT and NKey seed), as <c>nsc</c> writes; null for none.</summary>
    public string? CredsFile { get; init; }

    /// <summary>
    /// How often NATS.Net pings its server. A server that stops answering is given up after
    /// <see cref="MaxPingsOut"/> unanswered pings; then the router answers cross-router sends with
    /// <c>cluster_unavailable</c> and reconnects. NATS's default is 2 minutes. A server that dies
    /// or restarts closes the connection, which is noticed at once; pings are for the silent cases
    /// (a network gone, a host frozen). Too short, and a busy machine gives up a healthy
    /// connection (measured: 0.5 s × 2 did, at a load average of 20 on 2 cores).
    /// </summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Unanswered pings before the NATS connection is considered lost.</summary>
    public int MaxPingsOut { get; init; } = 3;

    /// <summary>
    /// How often a router tells the others it is there. A router that has not been heard from for
    /// <see cref="LinkTimeout"/> is taken as unreachable.
    /// </summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Silence after which another router is unreachable: nothing heard from it (not even its
    /// presence), or nothing sent to it confirmed, for this long. Its peers are then answered
    /// <c>cluster_unavailable</c> at once, and every frame sent to it and not confirmed is answered
    /// <c>not_confirmed</c>. Longer than a few presence intervals, or a router starved of CPU for a
    /// moment is taken for gone.
    /// </summary>
    public TimeSpan LinkTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long a router waits for a confirmation before it sends the entries again (then twice as long, up to 16×).</summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long an unreachable router's peers stay known: until then a frame for one of them is
    /// <c>cluster_unavailable</c> (it may come back), after it <c>unknown_target</c>. A router that
    /// stops normally is forgotten at once.
    /// </summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a cluster-wide <c>clients</c> waits for the other routers' tables.</summary>
    public TimeSpan GatherTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Bytes sent to one other router and not confirmed yet that a router keeps (to send again if
    /// they go missing); beyond it, the next frame for that router is answered <c>busy</c> at once.
    /// Bounds memory, and how long a slow router can hold things up.
    /// </summary>
    public int MaxUnconfirmedBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes received from NATS and not yet handled by the routing thread; past it, what comes is
    /// not taken, and its sender sends it again later (nothing is lost: it is not confirmed).
    /// </summary>
    public int MaxInboundBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>How often the state machine looks at its clocks (presence due, silence, confirmations late).</summary>
    internal TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long an acknowledgement waits for traffic to the same router to ride on before it goes
    /// alone, on a tick (so up to a tick more). Under load <see cref="AckEvery"/> comes first.
    /// </summary>
    internal TimeSpan AckDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Entries taken after which an acknowledgement goes at once.</summary>
    internal int AckEvery { get; init; } = 256;

    /// <summary>Most bytes of entries in one NATS message between routers.</summary>
    internal int MaxBatchBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Makes the router's federation from these options: over a NATS connection of the router's
    /// own for nats:// URLs (<see cref="Direct.DirectFederation"/>), over NATS.Net for TLS,
    /// websockets and credentials files (<see cref="Nats.NatsFederation"/>). Tests put an
    /// in-memory cluster here (<see cref="InMemory.InMemoryCluster"/>), or choose one of the two.
    /// </summary>
    internal Func<ClusterOptions, TimeProvider, ILoggerFactory, IRouterFederation> Federation { get; init; } =
        static (options, time, logs) => Direct.DirectFederation.Serves(options)
            ? new Direct.DirectFederation(options, time, logs)
            : new Nats.NatsFederation(options, time, logs);

    /// <summary>A router id that is unique in practice: this machine's name and 6 random hex digits.</summary>
    public static string NewRouterId()
    {
        var host = NotTokenCharacters().Replace(Environment.MachineName, "-").Trim('-');
        return $"{(host.Length is > 0 and <= 40 ? host : "router")}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
    }

    /// <summary>Throws when the options do not fit together, saying which and why.</summary>
    /// <exception cref="ArgumentException">A value is missing or out of range.</exception>
    internal void Validate()
    {
        if (ClusterUrls.Split(Urls) is { Count: 0 })
        {
            throw new ArgumentException("Cluster.Urls must name at least one NATS server, e.g. nats://127.0.0.1:4222", nameof(Urls));
        }
        foreach (var url in ClusterUrls.Split(Urls))
        {
            if (ClusterUrls.Problem(url) is { } problem)
            {
                throw new ArgumentException($"Cluster.Urls: {problem}", nameof(Urls));
            }
        }
        CheckToken(Name, nameof(Name));
        CheckToken(RouterId, nameof(RouterId));
        if (PingInterval <= TimeSpan.Zero || PresenceInterval <= TimeSpan.Zero || GatherTimeout <= TimeSpan.Zero || ResendAfter <= TimeSpan.Zero
            || ForgetAfter <= TimeSpan.Zero || MaxPingsOut < 1 || MaxUnconfirmedBytes < 1 || MaxInboundBytes < 1)
        {
            throw new ArgumentException("Cluster: PingInterval, PresenceInterval, GatherTimeout, ResendAfter, ForgetAfter, MaxPingsOut, MaxUnconfirmedBytes and MaxInboundBytes must be positive");
        }
        if (LinkTimeout < 3 * PresenceInterval)
        {
            throw new ArgumentException($"Cluster: LinkTimeout ({LinkTimeout.TotalMilliseconds:0} ms) must be at least 3 presence intervals ({3 * PresenceInterval.TotalMilliseconds:0} ms), or a router is taken for gone between two of its presences", nameof(LinkTimeout));
        }
    }

    /// <summary>Null when <paramref name="value"/> can be one NATS subject token, else why not.</summary>
    public static string? TokenProblem(string value) => value switch
    {
        "" => "must not be empty",
        { Length: > 64 } => $"is {value.Length} characters long; at most 64",
        _ when NotTokenCharacters().IsMatch(value) => $"'{value}' may hold only letters, digits, '-' and '_'",
        _ => null,
    };

    private static void CheckToken(string value, string name)
    {
        if (TokenProblem(value) is { } problem)
        {
            throw new ArgumentException($"Cluster.{name} {problem}", name);
        }
    }

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex NotTokenCharacters();
}

/// <summary>The <see cref="ClusterOptions.Urls"/> list, read and checked.</summary>
internal static class ClusterUrls
{
    private static readonly string[] Schemes = ["nats", "tls", "ws", "wss"];

    /// <summary>The URLs of a comma-separated list, trimmed, empty entries left out.</summary>
    public static IReadOnlyList<string> Split(string? urls) =>
        (urls ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Null when <paramref name="url"/> is a NATS server URL, else why not (in words, naming it).</summary>
    public static string? Problem(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            return $"'{Redacted(url)}' must start with nats://, tls://, ws:// or wss://";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"'{Redacted(url)}' is not a URL such as nats://127.0.0.1:4222";
        }
        return Schemes.Contains(uri.Scheme) ? null : $"'{Redacted(url)}' must start with nats://, tls://, ws:// or wss://";
    }

    /// <summary>The URL without its password, for messages and logs.</summary>
    public static string Redacted(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
