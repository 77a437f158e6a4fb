using System.Text.RegularExpressions;

namespace Hydra.Cluster;

/// <summary>
/// How a router joins a cluster of routers that act as one, over NATS (docs/cluster.md). Set
/// <see cref="Routing.RouterOptions.Cluster"/> to it; without it a router is alone and needs no NATS.
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

    /// <summary>How often a router tells the others it is there (and how many clients it has).</summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a cluster-wide <c>clients</c> waits for the other routers' tables.</summary>
    public TimeSpan GatherTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Frames on their way between this router and NATS (published but not yet written, or received
    /// but not yet handed to a peer) before more are refused with <c>busy</c>; bounds memory.
    /// </summary>
    public int MaxPending { get; init; } = 16_384;

    /// <summary>
    /// Bytes of frames waiting for room in NATS.Net's 1 MB write buffer before more are refused with
    /// <c>busy</c>. NATS's pings and the routers' presence queue behind them: kept small, a burst
    /// cannot hold those up for seconds, which made routers lose sight of each other and NATS.Net
    /// give up a healthy connection (docs/cluster.md, "Back pressure"). A frame larger than this
    /// is still taken when nothing waits.
    /// </summary>
    public int MaxPendingBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// How long a router keeps listening for a peer that left (answering <c>unknown_target</c>, or passing
    /// messages on to the router that has it now), so that messages already on their way are answered,
    /// not dropped by a NATS server that has not yet heard the peer is gone.
    /// </summary>
    public TimeSpan LeaveGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Reply subjects in the ring (<see cref="Cluster.ReplySlots"/>); tests use fewer, so that a short run gets past making them.</summary>
    internal int ReplySlots { get; init; } = Cluster.ReplySlots.Capacity;

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
        if (PingInterval <= TimeSpan.Zero || PresenceInterval <= TimeSpan.Zero || GatherTimeout <= TimeSpan.Zero || LeaveGrace < TimeSpan.Zero
            || MaxPingsOut < 1 || MaxPending < 1 || MaxPendingBytes < 1)
        {
            throw new ArgumentException("Cluster: PingInterval, PresenceInterval, GatherTimeout, MaxPingsOut, MaxPending and MaxPendingBytes must be positive, LeaveGrace not negative");
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
public static class ClusterUrls
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
