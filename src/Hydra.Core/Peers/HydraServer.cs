using Hydra.Protocol;

namespace Hydra;

/// <summary>
/// A peer that answers requests with handlers (the original's HydraServer). Its identity
/// defaults to <c>HydraServer</c>, the name clients target. The constructor only prepares;
/// <see cref="StartAsync"/> connects.
/// </summary>
public sealed class HydraServer : IAsyncDisposable
{
    private readonly HydraMQ _peer;

    /// <summary>Creates a server answering <paramref name="methods"/>.</summary>
    public HydraServer(HydraMQOptions options, IReadOnlyDictionary<string, HydraMethodHandler> methods)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(methods);
        _peer = new HydraMQ(options with { Identity = options.Identity ?? HydraIdentities.Server, Methods = methods });
    }

    /// <summary>The server's identity.</summary>
    public string Identity => _peer.Identity;

    /// <summary>The options this server runs with.</summary>
    public HydraMQOptions Options => _peer.Options;

    /// <inheritdoc cref="HydraMQ.IsConnected"/>
    public bool IsConnected => _peer.IsConnected;

    /// <summary>
    /// Connects, starts answering, and waits until the router has answered, so clients can reach
    /// this server by name as soon as it completes.
    /// </summary>
    /// <exception cref="HydraTimeoutException">The router did not answer within <see cref="HydraMQOptions.NetworkTimeout"/>; the server keeps trying to connect.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _peer.StartAsync(cancellationToken).ConfigureAwait(false);
        await _peer.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="HydraMQ.CreateMessage"/>
    public HydraMsg CreateMessage(string target, string method, System.Text.Json.Nodes.JsonObject? payload = null) =>
        _peer.CreateMessage(target, method, payload);

    /// <summary>Sends a message of the server's own (handlers reply by returning theirs).</summary>
    public Task SendAsync(HydraMsg message, CancellationToken cancellationToken = default) => _peer.SendAsync(message, cancellationToken);

    /// <summary>Sends a request of the server's own (to another server, say) and waits for its reply.</summary>
    /// <inheritdoc cref="HydraMQ.RequestAsync" path="/exception"/>
    public Task<HydraMsg> RequestAsync(HydraMsg request, CancellationToken cancellationToken = default) => _peer.RequestAsync(request, cancellationToken);

    /// <inheritdoc cref="HydraMQ.ReceiveAsync"/>
    public Task<HydraMsg> ReceiveAsync(CancellationToken cancellationToken = default) => _peer.ReceiveAsync(cancellationToken);

    /// <inheritdoc cref="HydraMQ.StopAsync"/>
    public Task StopAsync(CancellationToken cancellationToken = default) => _peer.StopAsync(cancellationToken);

    /// <summary>Stops answering and closes the sockets.</summary>
    public ValueTask DisposeAsync() => _peer.DisposeAsync();
}

/// <summary>The reference server: answers <c>ping</c> from anyone with <c>pong</c> to them.</summary>
public static class PongServer
{
    /// <summary>A <see cref="HydraServer"/> (identity <c>HydraServer</c> unless the options name one) that answers ping.</summary>
    public static HydraServer Create(HydraMQOptions options) => new(options, new Dictionary<string, HydraMethodHandler>
    {
        [HydraMethods.Ping] = HydraHandlers.Sync(ping => ping.CreateReply(HydraMethods.Pong)),
    });
}
