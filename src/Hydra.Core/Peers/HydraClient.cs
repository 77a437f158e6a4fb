using System.Diagnostics;
using Hydra.Protocol;

namespace Hydra;

/// <summary>One answered ping.</summary>
/// <param name="Reply">The <c>pong</c>.</param>
/// <param name="RoundTrip">From send to reply.</param>
public sealed record PingResult(HydraMsg Reply, TimeSpan RoundTrip);

/// <summary>
/// A client peer (the original's HydraClient): a <see cref="HydraMQ"/> whose identity defaults
/// to a unique <c>HydraClient-xxxxxx</c>, so any number of clients can connect with defaults,
/// and which pings.
/// </summary>
public sealed class HydraClient : IAsyncDisposable
{
    private readonly HydraMQ _peer;

    /// <summary>Creates a client; call <see cref="StartAsync"/> to connect.</summary>
    public HydraClient(HydraMQOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _peer = new HydraMQ(options with { Identity = options.Identity ?? HydraIdentities.Unique(HydraIdentities.Client) });
        _peer.LateReply += (_, late) => LateReply?.Invoke(this, late);
    }

    /// <summary>The client's identity.</summary>
    public string Identity => _peer.Identity;

    /// <summary>The options this client runs with.</summary>
    public HydraMQOptions Options => _peer.Options;

    /// <inheritdoc cref="HydraMQ.IsConnected"/>
    public bool IsConnected => _peer.IsConnected;

    /// <inheritdoc cref="HydraMQ.LateReply"/>
    public event EventHandler<LateReplyEventArgs>? LateReply;

    /// <inheritdoc cref="HydraMQ.StartAsync"/>
    public Task StartAsync(CancellationToken cancellationToken = default) => _peer.StartAsync(cancellationToken);

    /// <inheritdoc cref="HydraMQ.WaitUntilConnectedAsync"/>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default) => _peer.WaitUntilConnectedAsync(cancellationToken);

    /// <summary>Pings <paramref name="target"/> (the router by default) and measures the round trip.</summary>
    /// <exception cref="HydraTimeoutException">No pong within <see cref="HydraMQOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="HydraRemoteException">An error came back instead (e.g. <c>unknown_target</c>).</exception>
    public async Task<PingResult> PingAsync(string target = HydraIdentities.Router, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await _peer.RequestAsync(_peer.CreateMessage(target, HydraMethods.Ping), cancellationToken).ConfigureAwait(false);
        return new PingResult(reply, Stopwatch.GetElapsedTime(started));
    }

    /// <inheritdoc cref="HydraMQ.CreateMessage"/>
    public HydraMsg CreateMessage(string target, string method, System.Text.Json.Nodes.JsonObject? payload = null) =>
        _peer.CreateMessage(target, method, payload);

    /// <inheritdoc cref="HydraMQ.SendAsync"/>
    public Task SendAsync(HydraMsg message, CancellationToken cancellationToken = default) => _peer.SendAsync(message, cancellationToken);

    /// <inheritdoc cref="HydraMQ.RequestAsync"/>
    public Task<HydraMsg> RequestAsync(HydraMsg request, CancellationToken cancellationToken = default) => _peer.RequestAsync(request, cancellationToken);

    /// <inheritdoc cref="HydraMQ.ReceiveAsync"/>
    public Task<HydraMsg> ReceiveAsync(CancellationToken cancellationToken = default) => _peer.ReceiveAsync(cancellationToken);

    /// <inheritdoc cref="HydraMQ.ReadAllAsync"/>
    public IAsyncEnumerable<HydraMsg> ReadAllAsync(CancellationToken cancellationToken = default) => _peer.ReadAllAsync(cancellationToken);

    /// <inheritdoc cref="HydraMQ.DescribeConnection"/>
    public string DescribeConnection() => _peer.DescribeConnection();

    /// <inheritdoc cref="HydraMQ.StopAsync"/>
    public Task StopAsync(CancellationToken cancellationToken = default) => _peer.StopAsync(cancellationToken);

    /// <summary>Closes the sockets.</summary>
    public ValueTask DisposeAsync() => _peer.DisposeAsync();
}
