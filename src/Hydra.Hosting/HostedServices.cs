using Hydra.Mq;
using Hydra.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hydra.Hosting;

/// <summary>Starts the router with the host and stops it with the host, within the host's shutdown time.</summary>
internal sealed partial class RouterHostedService(RouterEngine router, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = logs.CreateLogger("Hydra.Hosting");
    private Task? _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Binds both ports on this thread, quickly; a port that cannot be bound fails the host's start (HydraException, in words).
        router.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping ??= router.StopAsync().AsTask();
        if (!await Stopping.WithinAsync(_stopping, cancellationToken).ConfigureAwait(false))
        {
            StopCutShort(_log, "router");
        }
    }

    /// <summary>The container disposes this service: a stop cut short gets a last bounded wait here, so the ports are free after the host is disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping ??= router.StopAsync().AsTask();
        await Stopping.WithinAsync(_stopping, Stopping.DisposeBudget).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "The host's shutdown time ran out before the {What} had stopped; it goes on closing its sockets")]
    internal static partial void StopCutShort(ILogger logger, string what);
}

/// <summary>Connects the peer when the host starts (without waiting for the router) and quits it when the host stops.</summary>
internal sealed class PeerHostedService(HydraMQ peer, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = logs.CreateLogger("Hydra.Hosting");
    private Task? _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        peer.Start(); // returns at once: ZeroMQ connects in the background, whenever the router is there
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping ??= peer.QuitAsync().AsTask();
        if (!await Stopping.WithinAsync(_stopping, cancellationToken).ConfigureAwait(false))
        {
            RouterHostedService.StopCutShort(_log, $"peer {peer.Identity}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping ??= peer.QuitAsync().AsTask();
        await Stopping.WithinAsync(_stopping, Stopping.DisposeBudget).ConfigureAwait(false);
    }
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
