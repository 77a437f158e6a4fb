using Hydra.Cluster.State;
using Hydra.Protocol;

namespace Hydra.Routing.Internal;

/// <summary>
/// A client as the router tracks it. Written only on the routing thread; snapshots read its
/// numbers from other threads (whole longs on 64-bit: a reading may be a moment old, never torn).
/// </summary>
internal sealed class ClientEntry(byte[] identity, string displayName)
{
    public byte[] Identity { get; } = identity;
    public string DisplayName { get; } = displayName;
    public long LastSeenTimestamp { get; set; }
    public long MessagesIn { get; set; }
    public long MessagesOut { get; set; }
    public bool Connected { get; set; } = true;

    /// <summary>How the peer frames its messages; the router answers it the same way (docs/protocol.md, "Framing").</summary>
    public Envelope Envelope { get; set; }

    /// <summary>When its last <c>clients</c> requests came (see <see cref="ClientsRequestLimit"/>).</summary>
    public ClientsRequestLimit ClientsRequests;

    /// <summary>In a cluster: this connection's hold on its identity (owned by the cluster's state machine), or null before it claimed it.</summary>
    public NameHold? Hold { get; set; }
}
