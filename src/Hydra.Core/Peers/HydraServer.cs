using Hydra.Mq;
using Hydra.Protocol;

namespace Hydra;

/// <summary>
/// A peer that answers requests with handlers (the original's HydraServer). Its identity
/// defaults to <c>HydraServer</c>, the name clients target. The constructor only prepares;
/// <see cref="Start"/> connects, so nothing blocks.
/// </summary>
public class HydraServer : IAsyncDisposable
{
    /// <summary>Creates a server answering <paramref name="methods"/>.</summary>
    public HydraServer(HydraMQOptions options, IReadOnlyDictionary<string, HydraMethodHandler> methods)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(methods);
        MQ = new HydraMQ(options with { Identity = options.Identity ?? HydraIdentities.Server, Methods = methods });
    }

    /// <summary>The peer underneath.</summary>
    public HydraMQ MQ { get; }

    /// <summary>The server's identity.</summary>
    public string Identity => MQ.Identity;

    /// <summary>Connects and starts answering. Idempotent.</summary>
    public void Start() => MQ.Start();

    /// <summary>Starts, and waits until the router has answered a heartbeat, so clients can reach this server.</summary>
    /// <exception cref="HydraTimeoutException">The router did not answer within <paramref name="timeout"/> (default: the network timeout).</exception>
    public Task StartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        MQ.Start();
        return MQ.WaitUntilConnectedAsync(timeout, cancellationToken);
    }

    /// <summary>Stops answering and closes the sockets.</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return MQ.QuitAsync();
    }
}

/// <summary>The reference server: answers <c>ping</c> from anyone with <c>pong</c> to them.</summary>
public sealed class PongServer(HydraMQOptions options) : HydraServer(options, new Dictionary<string, HydraMethodHandler>
{
    [HydraMethods.Ping] = HydraHandlers.Sync(ping => ping.CreateReply(HydraMethods.Pong)),
});
