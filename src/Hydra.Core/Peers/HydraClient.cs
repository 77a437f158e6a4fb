using System.Diagnostics;
using Hydra.Mq;
using Hydra.Protocol;

namespace Hydra;

/// <summary>One answered ping.</summary>
/// <param name="Reply">The <c>pong</c>.</param>
/// <param name="RoundTrip">From send to reply.</param>
public sealed record PingResult(HydraMsg Reply, TimeSpan RoundTrip);

/// <summary>
/// A client peer (the original's HydraClient). Its identity defaults to a unique
/// <c>HydraClient-xxxxxx</c>, so any number of clients can connect with defaults.
/// </summary>
public sealed class HydraClient : IAsyncDisposable
{
    /// <summary>Creates a client; call <see cref="Start"/> to connect.</summary>
    public HydraClient(HydraMQOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MQ = new HydraMQ(options with { Identity = options.Identity ?? HydraIdentities.Unique(HydraIdentities.Client) });
    }

    /// <summary>The peer underneath.</summary>
    public HydraMQ MQ { get; }

    /// <summary>The client's identity.</summary>
    public string Identity => MQ.Identity;

    /// <summary>Connects. Idempotent.</summary>
    public void Start() => MQ.Start();

    /// <summary>Pings <paramref name="target"/> (the router by default) and measures the round trip.</summary>
    /// <exception cref="HydraTimeoutException">No pong in time.</exception>
    /// <exception cref="HydraRemoteException">An error came back instead (e.g. <c>unknown_target</c>).</exception>
    public async Task<PingResult> PingAsync(string target = HydraIdentities.Router, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await MQ.RequestAsync(MQ.CreateMessage(target, HydraMethods.Ping), timeout, cancellationToken).ConfigureAwait(false);
        return new PingResult(reply, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Closes the sockets.</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return MQ.QuitAsync();
    }
}
