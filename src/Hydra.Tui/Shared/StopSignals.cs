using System.Runtime.InteropServices;
using Terminal.Gui.App;

namespace Hydra.Tui.Shared;

/// <summary>
/// Turns SIGTERM and SIGHUP into a normal quit. By default the runtime would end the process
/// at once, leaving the terminal in the app's raw, alternate-screen mode and the sockets open.
/// </summary>
internal static class StopSignals
{
    public static IDisposable Install(IApplication app)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true; // we quit ourselves, through the main loop
                    app.Invoke(app.RequestStop);
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // e.g. SIGHUP on Windows: nothing to restore there
            }
        }
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
