using System.Runtime.InteropServices;
using Terminal.Gui.App;

namespace Hydra.Tui.Shared;

/// <summary>
/// Turns SIGTERM into a normal quit: by default the runtime would end the process at once,
/// leaving the terminal in the app's raw, alternate-screen mode. SIGHUP (the terminal went
/// away) keeps its default, ending the process: there is no terminal left to restore, and a
/// main loop without a terminal may never get to quit.
/// </summary>
internal static class StopSignals
{
    /// <summary>If the main loop has not let go this long after SIGTERM, the process ends anyway.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private const int ExitCodeForSigterm = 143; // 128 + 15, what a shell reports for a process killed by SIGTERM

    public static IDisposable Install(IApplication app)
    {
        try
        {
            var stopping = 0;
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                if (Interlocked.Exchange(ref stopping, 1) == 1)
                {
                    return; // a second SIGTERM: let the runtime end the process now
                }
                context.Cancel = true;
                app.Invoke(app.RequestStop);
                _ = Task.Delay(GracePeriod).ContinueWith(_ => Environment.Exit(ExitCodeForSigterm), TaskScheduler.Default);
            });
        }
        catch (PlatformNotSupportedException)
        {
            return new NothingToUndo();
        }
    }

    private sealed class NothingToUndo : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
