using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hydra.Hosting;

/// <summary>Starts the router with the host and stops it with the host, within the host's shutdown time.</summary>
/// <remarks>
/// The router is made when the host starts it, not when the host makes its services: the host checks the
/// options (ValidateOnStart) in between, so options that do not fit fail the start before any router exists.
/// </remarks>
internal sealed class RouterHostedService(IServiceProvider services, ILoggerFactory logs) : HostedPart(logs)
{
    protected override Task StartPartAsync(CancellationToken cancellationToken)
    {
        var router = services.GetRequiredService<RouterEngine>();
        StopWith(() => router.StopAsync(), "router");
        // Binds both ports, quickly; a port that cannot be bound fails the host's start (HydraException, in words).
        return router.StartAsync(cancellationToken);
    }
}

/// <summary>Connects the peer when the host starts (without waiting for the router) and quits it when the host stops.</summary>
/// <remarks>The peer is made when the host starts it, after the options were checked, as the router is.</remarks>
internal sealed class PeerHostedService(IServiceProvider services, ILoggerFactory logs) : HostedPart(logs)
{
    protected override Task StartPartAsync(CancellationToken cancellationToken)
    {
        var peer = services.GetRequiredService<HydraMQ>();
        StopWith(() => peer.StopAsync(), $"peer {peer.Identity}");
        return peer.StartAsync(cancellationToken); // completes at once: ZeroMQ connects in the background, whenever the router is there
    }
}

/// <summary>
/// A part of Hydra the host starts and stops: stopped once, within the host's shutdown time (a stop cut
/// short is logged, and given a last bounded wait when the container disposes the service, so the ports
/// are free after the host is disposed).
/// </summary>
internal abstract partial class HostedPart(ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = logs.CreateLogger("Hydra.Hosting");
    private Func<Task>? _stop;
    private string _what = "";
    private Task? _stopping;

    /// <summary>Gets the part and starts it, after saying how to stop it (<see cref="StopWith"/>).</summary>
    protected abstract Task StartPartAsync(CancellationToken cancellationToken);

    protected void StopWith(Func<Task> stop, string what) => (_stop, _what) = (stop, what);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return StartPartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
        {
            return;
        }
        _stopping ??= _stop();
        if (!await Stopping.WithinAsync(_stopping, cancellationToken).ConfigureAwait(false))
        {
            StopCutShort(_log, _what);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop is null)
        {
            return;
        }
        _stopping ??= _stop();
        await Stopping.WithinAsync(_stopping, Stopping.DisposeBudget).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "The host's shutdown time ran out before the {What} had stopped; it goes on closing its sockets")]
    private static partial void StopCutShort(ILogger logger, string what);
}

internal static class Stopping
{
    /// <summary>How long disposing the host waits for a stop the host's token cut short.</summary>
    public static readonly TimeSpan DisposeBudget = TimeSpan.FromSeconds(5);

    /// <summary>True when <paramref name="stop"/> finished before the token fired; a stop that failed throws.</summary>
    public static async Task<bool> WithinAsync(Task stop, CancellationToken cancellationToken)
    {
        try
        {
            await stop.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !stop.IsCompleted)
        {
            return false;
        }
    }

    public static async Task<bool> WithinAsync(Task stop, TimeSpan budget)
    {
        try
        {
            await stop.WaitAsync(budget).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
