using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Hydra.Logging;

/// <summary>
/// Writes formatted lines to a <see cref="TextWriter"/> (standard error by default). Serilog 4's
/// core no longer ships one, and the console sink cannot target an arbitrary writer, which
/// the terminal apps and tests need.
/// </summary>
internal sealed class TextWriterSink(TextWriter output, ITextFormatter formatter) : ILogEventSink
{
    private readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, output);
            output.Flush();
        }
    }
}
