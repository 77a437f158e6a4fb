using Hydra.Protocol;

namespace Hydra;

/// <summary>Method names with a meaning on the wire (docs/protocol.md, "Methods").</summary>
public static class HydraMethods
{
    /// <summary>Asks the target for a <see cref="Pong"/>.</summary>
    public const string Ping = PingMethod.Name;
    /// <summary>The answer to <see cref="Ping"/>.</summary>
    public const string Pong = PingMethod.Reply;
    /// <summary>Sent by peers on the heartbeat socket.</summary>
    public const string Heartbeat = HeartbeatMethod.Name;
    /// <summary>The router's answer to <see cref="Heartbeat"/>.</summary>
    public const string HeartbeatReply = HeartbeatMethod.Reply;
    /// <summary>Asks the router for its client table.</summary>
    public const string Clients = ClientsMethod.Name;
    /// <summary>Something went wrong; <c>payload.code</c> and <c>payload.detail</c> say what.</summary>
    public const string Error = ErrorMethod.Name;
    /// <summary>Authentication step 1, peer to router: <c>payload.key</c> is the peer's public key.</summary>
    public const string Auth = AuthMethod.Name;
    /// <summary>The router's answer to <see cref="Auth"/>: <c>payload.challenge</c> (base64).</summary>
    public const string AuthChallenge = AuthMethod.Challenge;
    /// <summary>Authentication step 2: <c>payload.nonce</c> and <c>payload.box</c>, the sealed challenge (base64).</summary>
    public const string AuthProof = AuthMethod.Proof;
    /// <summary>The router accepted the proof (or checks no keys).</summary>
    public const string AuthOk = AuthMethod.Ok;
}
