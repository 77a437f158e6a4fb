using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hydra.Testing;

/// <summary>
/// Keeps the router's log lines from <paramref name="minimum"/> up (the first <paramref name="keep"/>
/// of them), to check what a flood does to the log or to show why a test failed.
/// </summary>
public sealed class CapturedLog(LogLevel minimum, int keep = int.MaxValue) : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && _lines.Count < keep)
        {
            _lines.Enqueue(exception is null ? formatter(state, exception) : $"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
