namespace Hydra.Transport;

/// <summary>The router's two ports, and a peer's two connections to them.</summary>
internal enum PortKind
{
    /// <summary>Messages (5757 by default).</summary>
    Main,
    /// <summary>Heartbeats (5758 by default).</summary>
    Heartbeat,
}
