using System.Buffers.Text;
using System.Globalization;
using Hydra.Routing.Internal;

namespace Hydra.Cluster;

/// <summary>
/// The NATS subjects of one cluster (docs/cluster.md, "Subjects"). Every subject starts with
/// <c>hydra.NAME.</c>, so clusters with different names share a NATS without seeing each other.
/// </summary>
internal sealed class ClusterSubjects(string cluster, string routerId)
{
    /// <summary>The queue group every router's peer subscriptions join: each message reaches one router only.</summary>
    public const string QueueGroup = "routers";

    /// <summary>Subjects built for targets are kept up to this many, then forgotten at once (cheap to rebuild).</summary>
    private const int MaxCachedTargets = 65_536;

    private readonly string _peerPrefix = $"hydra.{cluster}.p.";
    private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _peerSubjects =
        new Dictionary<byte[], string>(ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Where identities are claimed; every router listens.</summary>
    public string Claims { get; } = $"hydra.{cluster}.claims";

    /// <summary>Where routers say they are there; every router listens.</summary>
    public string Presence { get; } = $"hydra.{cluster}.routers";

    /// <summary>Where a router asks every router for its client table.</summary>
    public string ClientsRequest { get; } = $"hydra.{cluster}.clients";

    /// <summary>This router's replies to cross-router sends (NATS's "no responders" and other routers' refusals), one subject per slot.</summary>
    public string InboxPrefix { get; } = $"hydra.{cluster}.in.{routerId}.";

    /// <summary>The wildcard that covers <see cref="InboxPrefix"/>.</summary>
    public string InboxWildcard => InboxPrefix + "*";

    /// <summary>This router's answers to its own requests (client tables).</summary>
    public string Control { get; } = $"hydra.{cluster}.ctl.{routerId}";

    /// <summary>Frames passed on to this router by a router that no longer holds their target.</summary>
    public string Direct { get; } = DirectOf(cluster, routerId);

    public string DirectOf(string router) => DirectOf(cluster, router);

    private static string DirectOf(string cluster, string router) => $"hydra.{cluster}.r.{router}";

    /// <summary>The subject of the peer named <paramref name="identity"/>; cached, so sending to a known target does not allocate.</summary>
    public string PeerSubject(ReadOnlySpan<byte> identity)
    {
        if (_peerSubjects.TryGetValue(identity, out var subject))
        {
            return subject;
        }
        if (_peerSubjects.Dictionary.Count >= MaxCachedTargets)
        {
            _peerSubjects.Dictionary.Clear();
        }
        subject = _peerPrefix + Token(identity);
        _peerSubjects[identity] = subject;
        return subject;
    }

    /// <summary>
    /// Any identity bytes as one subject token: 'i' and base64url without padding. Dots, spaces,
    /// '*' and '>' never appear, and the token is never empty.
    /// </summary>
    public static string Token(ReadOnlySpan<byte> identity) => "i" + Base64Url.EncodeToString(identity);

    /// <summary>The identity a <see cref="Token"/> stands for; null when it is not one.</summary>
    public static byte[]? FromToken(string token)
    {
        if (token.Length == 0 || token[0] != 'i')
        {
            return null;
        }
        try
        {
            return Base64Url.DecodeFromChars(token.AsSpan(1));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The slot number at the end of an inbox subject, or -1.</summary>
    public int SlotOf(string subject) =>
        subject.StartsWith(InboxPrefix, StringComparison.Ordinal)
        && int.TryParse(subject.AsSpan(InboxPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var slot) ? slot : -1;
}
