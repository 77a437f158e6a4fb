using System.Runtime.InteropServices;

namespace Hydra.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation token, so long-running commands
/// close their sockets and exit 0 instead of being killed mid-way.
/// </summary>
internal static class Shutdown
{
    private static readonly CancellationTokenSource Requested = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];

    public static CancellationToken Token => Requested.Token;

    public static void ListenForSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            Registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // we shut down ourselves
                Requested.Cancel();
            }));
        }
    }

    /// <summary>Completes when a shutdown signal arrives.</summary>
    public static Task WaitAsync() => Task.Delay(Timeout.Infinite, Token).ContinueWith(_ => { }, TaskScheduler.Default);
}
