namespace Hydra.Transport;

/// <summary>What a router transport can do beyond moving frames; the rules adapt to it.</summary>
[Flags]
internal enum TransportCapabilities
{
    None = 0,

    /// <summary>It reports a peer's connection closing (<see cref="IRouterRules.OnPeerGone"/>).</summary>
    PeerGone = 1,

    /// <summary>
    /// It checks authorized keys during the CURVE handshake (ZAP), so a stranger never gets a
    /// connection, and tells the rules each frame's proven key (<see cref="ReceivedFrame.PeerKey"/>).
    /// Without it the rules run the challenge proof of <see cref="Security.AuthProof"/> themselves.
    /// </summary>
    HandshakeAuthentication = 2,
}
