using System.Text;
using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.State;

/// <summary>
/// One router's whole view of its cluster, as a state machine: the names held here and elsewhere,
/// their key bindings, and a sequenced link to every other router (docs/cluster.md). It does no
/// I/O and keeps no clock of its own: messages from NATS, the router's calls and <see cref="Tick"/>
/// go in, and what should happen comes out through <see cref="IClusterOutput"/>; time is read from
/// the <see cref="TimeProvider"/>. The NATS federation and the in-memory cluster both wrap it.
/// Loop thread only.
/// </summary>
internal sealed partial class ClusterNode
{
    /// <summary>A frame passed on more often than this while its target keeps moving is refused.</summary>
    private const int MaxHops = 3;

    private readonly ClusterOptions _options;
    private readonly TimeProvider _time;
    private readonly IClusterOutput _output;
    private readonly ILogger _log;
    private readonly NameBook _names;
    private readonly Dictionary<byte[], Link>.AlternateLookup<ReadOnlySpan<byte>> _links =
        new Dictionary<byte[], Link>(Protocol.ByteArrayComparer.Instance).GetAlternateLookup<ReadOnlySpan<byte>>();
    private readonly List<Link> _dirty = [];
    private readonly OutgoingMessage _message;
    private readonly byte[] _routerBytes;
    private readonly string _linkSubjectPrefix;
    private ulong _lastSession;
    private long _lastStamp;
    private bool _connected;
    private long _connectedAt;
    private long _disconnectedAt;
    private long _lastPresence;
    private bool _stopping;
    private int _heldHere;
    private long _maxPayload = 1024 * 1024;
    private long _malformed;

    public ClusterNode(ClusterOptions options, TimeProvider time, IClusterOutput output, ILogger log)
    {
        _options = options;
        _time = time;
        _output = output;
        _log = log;
        _names = new NameBook(options.RouterId);
        // Newer processes of the same router id have larger incarnations (their start time).
        Incarnation = (ulong)time.GetUtcNow().UtcTicks;
        _routerBytes = Encoding.ASCII.GetBytes(options.RouterId);
        _message = new OutgoingMessage(_routerBytes, Incarnation);
        _linkSubjectPrefix = $"hydra.{options.Name}.l.";
        PresenceSubject = $"hydra.{options.Name}.routers";
        LinkSubject = LinkSubjectOf(options.RouterId);
    }

    public string RouterId => _options.RouterId;

    /// <summary>This process, among all that ever ran with <see cref="RouterId"/>.</summary>
    public ulong Incarnation { get; }

    /// <summary>Where every router says it is there (subscribe it and pass what comes to <see cref="OnMessage"/>).</summary>
    public string PresenceSubject { get; }

    /// <summary>Where everything for this router comes (subscribe it and pass what comes to <see cref="OnMessage"/>).</summary>
    public string LinkSubject { get; }

    /// <summary>Whether this router's own NATS connection is up.</summary>
    public bool IsConnected => _connected;

    /// <summary>NATS's <c>max_payload</c>, once connected: a frame that cannot fit one message is refused <c>too_large</c>.</summary>
    public long MaxPayload
    {
        get => _maxPayload;
        set => _maxPayload = value;
    }

    public IEnumerable<Link> Links => _links.Dictionary.Values;

    /// <summary>The names this router knows of (its own and everyone else's), for tests.</summary>
    internal NameBook Names => _names;

    private long Now => _time.GetTimestamp();

    private string LinkSubjectOf(string router) => _linkSubjectPrefix + router;

    /// <summary>
    /// This router's NATS connection came up or went down. Down, the links wait: what is sent
    /// meanwhile is kept, and a link falls down only when the link timeout passes without word
    /// from its router. Back up in time, each link sends again everything not confirmed (some of
    /// it may have been lost with the old connection), and nothing is lost or answered at all.
    /// </summary>
    public void ConnectionChanged(bool connected, string why)
    {
        if (connected == _connected)
        {
            return;
        }
        _connected = connected;
        var now = Now;
        if (!connected)
        {
            _disconnectedAt = now;
            return;
        }
        _connectedAt = now;
        PublishPresence();
        foreach (var link in _links.Dictionary.Values)
        {
            if (link.IsUp)
            {
                SendAgainFrom(link, link.Log.FirstSeq);
                if (!link.InClosed)
                {
                    OweAck(link, 0);
                }
            }
        }
        if (_dirty.Count > 0)
        {
            _output.RequestFlush(); // what waited while the connection was down
        }
    }

    /// <summary>The router stops: says goodbye, so the others forget it at once instead of waiting for its silence.</summary>
    public void Stop()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        if (_connected)
        {
            _output.Publish(PresenceSubject, _message.Presence(0, stopping: true));
        }
    }

    /// <summary>Every <see cref="ClusterOptions.TickInterval"/>: presence, silence, sending again what was not confirmed, forgetting routers long gone.</summary>
    public void Tick()
    {
        var now = Now;
        if (_connected && _time.GetElapsedTime(_lastPresence, now) >= _options.PresenceInterval)
        {
            PublishPresence();
        }
        foreach (var link in _links.Dictionary.Values.ToArray())
        {
            CheckTimers(link, now);
        }
        Flush();
    }

    private void CheckTimers(Link link, long now)
    {
        if (link.IsUp)
        {
            var silent = _time.GetElapsedTime(link.LastHeard, now);
            var waiting = _time.GetElapsedTime(link.LastProgress, now);
            if (silent > _options.LinkTimeout)
            {
                Down(link, _connected
                    ? $"router {link.Router} has not been heard from for {silent.TotalSeconds:0.0} s"
                    : $"router {RouterId} lost its NATS connection {_time.GetElapsedTime(_disconnectedAt, now).TotalSeconds:0.0} s ago");
            }
            else if (link.AwaitsConfirmation && waiting > 2 * _options.LinkTimeout)
            {
                Down(link, $"router {link.Router} has confirmed nothing for {waiting.TotalSeconds:0.0} s");
            }
            else if (link.AwaitsConfirmation && !_output.IsBackedUp && waiting > _options.ResendAfter * (1 << Math.Min(link.Resends, 4)))
            {
                SendAgainFrom(link, link.Log.FirstSeq);
                link.Resends++;
            }
        }
        else if (link.State == ClusterLinkState.Down && _time.GetElapsedTime(link.StateSince, now) > _options.ForgetAfter)
        {
            Forget(link, $"router {link.Router} has been unreachable for {_options.ForgetAfter.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Whether the cluster's names are all known here: connected for two presence intervals (every
    /// router up has been heard: a router that hears a new one answers with its presence at once,
    /// the others say it every interval), every link up has sent its full list, and no router
    /// known is unreachable. Until then a name not found may still be held elsewhere.
    /// </summary>
    public bool Settled
    {
        get
        {
            if (!_connected || _time.GetElapsedTime(_connectedAt, Now) < 2 * _options.PresenceInterval)
            {
                return false;
            }
            foreach (var link in _links.Dictionary.Values)
            {
                if (link.State == ClusterLinkState.Down || (link.IsUp && !link.Synced))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private void PublishPresence()
    {
        _lastPresence = Now;
        if (!_stopping)
        {
            _output.Publish(PresenceSubject, _message.Presence(_heldHere, stopping: false));
        }
    }

    /// <summary>The counters, as of now, from any thread (whole longs: a moment old at worst, never torn).</summary>
    public ClusterStats WithCounters(ClusterStats stats, bool available) => stats with
    {
        Available = available,
        SentToRouters = Volatile.Read(ref _framesSent),
        ReceivedFromRouters = Volatile.Read(ref _framesReceived),
        RefusedElsewhere = Volatile.Read(ref _refusedElsewhere),
        NotConfirmed = Volatile.Read(ref _notConfirmed),
        Resent = Volatile.Read(ref _entriesResent),
    };

    /// <summary>Counters and link states, for the router's stats (a copy: read it from any thread).</summary>
    public ClusterStats Stats(string? server)
    {
        var now = Now;
        var links = _links.Dictionary.Values.OrderBy(link => link.Router, StringComparer.Ordinal).Select(link => link.ToStats(_time, now)).ToList();
        return new ClusterStats(RouterId, _connected, 1 + links.Count(link => link.State == ClusterLinkState.Up), _framesSent, _framesReceived,
            _refusedElsewhere, _notConfirmed, _entriesResent, server, links) { Settled = Settled };
    }
}
