using Hydra.Mq;
using Hydra.Routing;

namespace Hydra.Transport.InMemory;

/// <summary>Routers and peers on an in-memory network, for the rules tests (the transport itself knows neither).</summary>
internal static class InMemoryNetworkExtensions
{
    /// <summary>
    /// A router transport. With <paramref name="keysInHandshake"/>, it behaves like a transport
    /// that checks authorized keys in the CURVE handshake: a connection whose key is not in
    /// <see cref="RouterOptions.AuthorizedKeys"/> never gets through, and frames carry their connection's key.
    /// </summary>
    public static InMemoryRouterTransport CreateRouter(this InMemoryNetwork network, RouterOptions options, bool keysInHandshake = false) =>
        new(network, options.ForTransport(), keysInHandshake);

    /// <summary>A router engine on this network; <see cref="RouterEngine.Start"/> is the caller's.</summary>
    public static RouterEngine CreateRouterEngine(this InMemoryNetwork network, RouterOptions options, bool keysInHandshake = false) =>
        new(options, network.CreateRouter(options, keysInHandshake));

    /// <summary>A peer on this network; <see cref="HydraMQ.Start"/> is the caller's.</summary>
    public static HydraMQ CreatePeer(this InMemoryNetwork network, HydraMQOptions options) =>
        new(options, (identity, keys) => new InMemoryPeerTransport(network, options.ForTransport(), identity, keys?.PublicKey));
}
