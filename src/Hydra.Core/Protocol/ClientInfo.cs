using Hydra.Protocol;
namespace Hydra;

/// <summary>How recently a client was heard from, as the original shows it.</summary>
public enum ClientStatus
{
    /// <summary>Seen within 2 heartbeat intervals (🟢).</summary>
    Good,
    /// <summary>Seen within 3 heartbeat intervals (🟡).</summary>
    Ok,
    /// <summary>Not seen for longer (🔴); pruned later.</summary>
    Bad,
}

/// <summary>One row of the router's client table, as of <see cref="LastSeenAgo"/>'s reading.</summary>
/// <param name="Identity">The routing identity; bytes that are not UTF-8 show as <c>0x…</c> hex.</param>
/// <param name="Status">GOOD, OK or BAD from the time since last seen.</param>
/// <param name="LastSeenAgo">Time since any frame arrived from it on either port.</param>
/// <param name="MessagesIn">Messages the router received from it (heartbeats included).</param>
/// <param name="MessagesOut">Messages the router delivered to it (forwards and replies).</param>
/// <param name="Connected">False once one of its connections closed, until it is heard from again.</param>
/// <param name="Router">In a cluster, the router the client is connected to; null for a router on its own.</param>
public sealed record ClientInfo(string Identity, ClientStatus Status, TimeSpan LastSeenAgo, long MessagesIn, long MessagesOut, bool Connected, string? Router = null);

/// <summary>The rule that turns "last seen" into a status (docs/protocol.md, "Client table").</summary>
internal static class ClientStatusRule
{
    /// <summary>GOOD within 2 × interval, OK within 3 × interval, BAD beyond.</summary>
    public static ClientStatus Of(TimeSpan lastSeenAgo, TimeSpan heartbeatInterval) =>
        lastSeenAgo <= 2 * heartbeatInterval ? ClientStatus.Good
        : lastSeenAgo <= 3 * heartbeatInterval ? ClientStatus.Ok
        : ClientStatus.Bad;
}

/// <summary>How a <see cref="ClientStatus"/> is written.</summary>
public static class ClientStatusLabels
{
    /// <summary>The word the wire (<c>clients</c>) and the apps use: GOOD, OK or BAD.</summary>
    public static string ToLabel(this ClientStatus status) => status switch
    {
        ClientStatus.Good => "GOOD",
        ClientStatus.Ok => "OK",
        _ => "BAD",
    };
}
