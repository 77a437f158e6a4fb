using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Reliability;

/// <summary>Keeps every warning line the router writes, to check what a flood does to its log.</summary>
internal sealed class WarningLog : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            _lines.Enqueue(formatter(state, exception));
        }
    }
}
