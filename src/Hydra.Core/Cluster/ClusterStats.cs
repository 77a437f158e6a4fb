namespace Hydra.Cluster;

/// <summary>A router's view of its cluster, since it started. Read at any time from any thread.</summary>
/// <param name="RouterId">This router's name in the cluster.</param>
/// <param name="Available">Whether this router's NATS connection is up.</param>
/// <param name="Routers">Routers this one can reach now, itself included.</param>
/// <param name="SentToRouters">Frames from peers here sent on to other routers.</param>
/// <param name="ReceivedFromRouters">Frames from peers on other routers delivered here.</param>
/// <param name="RefusedElsewhere">Frames sent on that another router refused (its peer was gone or busy); each sender got an error.</param>
/// <param name="NotConfirmed">Frames sent on whose router stopped answering before it confirmed them; each sender got <c>not_confirmed</c>.</param>
/// <param name="Resent">Link entries sent again because a confirmation was late or a gap was reported.</param>
/// <param name="Server">The NATS server this router is connected to (host:port), or null while it is not.</param>
/// <param name="Links">Each other router known, with its link's state.</param>
public sealed record ClusterStats(string RouterId, bool Available, int Routers, long SentToRouters, long ReceivedFromRouters, long RefusedElsewhere,
    long NotConfirmed, long Resent, string? Server, IReadOnlyList<LinkStats> Links)
{
    /// <summary>
    /// Whether this router knows every name held in the cluster: connected for two presence
    /// intervals, and every router up has sent it the list of its names. Until then a target it
    /// does not know is answered <c>cluster_unavailable</c> (it may be held elsewhere), not <c>unknown_target</c>.
    /// </summary>
    public bool Settled { get; init; }

    /// <summary>Before the router has any view (not started yet).</summary>
    public static ClusterStats Empty(string routerId) => new(routerId, false, 1, 0, 0, 0, 0, 0, null, []);
}

/// <summary>Where a router's link to another router stands.</summary>
public enum ClusterLinkState
{
    /// <summary>Heard of, never up yet.</summary>
    Unknown,
    /// <summary>Frames flow, and are confirmed.</summary>
    Up,
    /// <summary>Unreachable: frames for its peers are answered <c>cluster_unavailable</c> at once.</summary>
    Down,
}

/// <summary>One link, as <see cref="ClusterStats.Links"/> shows it.</summary>
/// <param name="Router">The other router's id.</param>
/// <param name="State">Up or down.</param>
/// <param name="For">How long it has been in that state.</param>
/// <param name="Why">Why it is down, while it is.</param>
/// <param name="Unconfirmed">Entries sent or waiting to be sent, not confirmed yet.</param>
/// <param name="UnconfirmedBytes">Their size; frames for the router beyond <see cref="ClusterOptions.MaxUnconfirmedBytes"/> are refused <c>busy</c>.</param>
/// <param name="Sent">Frames sent to it.</param>
/// <param name="Messages">NATS messages sent to it: frames travel many to a message, with the acknowledgements.</param>
/// <param name="Received">Frames received from it.</param>
/// <param name="Resent">Entries sent to it again.</param>
/// <param name="NotConfirmed">Frames sent to it whose senders got <c>not_confirmed</c>.</param>
/// <param name="Names">Identities it holds, as its link says.</param>
public sealed record LinkStats(string Router, ClusterLinkState State, TimeSpan For, string? Why, int Unconfirmed, long UnconfirmedBytes,
    long Sent, long Messages, long Received, long Resent, long NotConfirmed, int Names);
