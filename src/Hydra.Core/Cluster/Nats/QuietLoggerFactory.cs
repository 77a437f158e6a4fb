using Microsoft.Extensions.Logging;

namespace Hydra.Cluster.Nats;

/// <summary>
/// The log NATS.Net writes into, turned down to debug: it logs every connection step, and every
/// failed reconnection with a stack trace, which buries the router's own lines. The router says
/// what matters itself, once per change (<see cref="ConnectionLog"/>). Stack traces only at trace level.
/// </summary>
internal sealed class QuietLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Quiet(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // the inner factory belongs to whoever passed it in
    }

    private sealed class Quiet(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(LogLevel.Debug);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (inner.IsEnabled(LogLevel.Debug))
            {
                inner.Log(LogLevel.Debug, eventId, state, inner.IsEnabled(LogLevel.Trace) ? exception : null, formatter);
            }
        }
    }
}
