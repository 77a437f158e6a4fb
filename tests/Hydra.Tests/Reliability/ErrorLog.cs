using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Reliability;

/// <summary>Keeps the router's error lines (with exceptions), so a failing test can show why.</summary>
internal sealed class ErrorLog : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && _lines.Count < 20)
        {
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
