namespace Hydra.Tui.Router;

/// <summary>Where the router listens: the part of its options the operator may edit before Start.</summary>
/// <param name="Address">Interface to bind: <c>*</c> for all, <c>127.0.0.1</c> for this machine only.</param>
/// <param name="Port">Message port; 0 picks a free one.</param>
/// <param name="HeartbeatPort">Heartbeat port; 0 picks a free one.</param>
internal readonly record struct RouterEndpoint(string Address, int Port, int HeartbeatPort);
