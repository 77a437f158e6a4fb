using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Hydra.Logging;

/// <summary>
/// The original's logging façade: one client id, console and/or file, a level that can
/// change at run time. Lines look like <c>[2026-01-31 12:00:00] [INFO] [HydraRouter] message</c>,
/// or are one JSON object each (<see cref="HydraLogFormat.Json"/>), on the console and in the file alike.
/// Underneath it is Microsoft.Extensions.Logging over Serilog: pass <see cref="LoggerFactory"/>
/// to the library's options so it logs the same way. Each instance has its own sinks, so
/// two loggers with the same name never duplicate each other's lines.
/// </summary>
public sealed class HydraLog : IDisposable
{
    private const string LineTemplate = "[{Timestamp:yyyy-MM-dd HH:mm:ss}] [{HydraLevel}] [{ClientId}] {Message:lj}{NewLine}{Exception}";

    private readonly LoggingLevelSwitch _level;
    private readonly Serilog.Core.Logger _serilog;
    private readonly SerilogLoggerFactory _factory;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    /// <summary>Creates a logger.</summary>
    /// <param name="clientId">The name in the third bracket of every line.</param>
    /// <param name="logFile">Also append lines to this file, if given.</param>
    /// <param name="toConsole">Write lines to standard error.</param>
    /// <param name="level">Lowest level written.</param>
    /// <param name="console">Where console lines go instead of standard error (for tests and apps that own the terminal).</param>
    /// <param name="format">Text lines (the default) or one JSON object per line.</param>
    /// <param name="fileFormat">The file's format when it differs from the console's (the terminal app's pane shows text).</param>
    /// <exception cref="IOException">The log file cannot be opened for appending; the message says which file and why.</exception>
    public HydraLog(string clientId, string? logFile = null, bool toConsole = true, HydraLogLevel level = HydraLogLevel.Debug, TextWriter? console = null,
        HydraLogFormat format = HydraLogFormat.Text, HydraLogFormat? fileFormat = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ClientId = clientId;
        _level = new LoggingLevelSwitch(level.ToSerilog());
        var config = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(_level)
            .Enrich.WithProperty("ClientId", clientId)
            .Enrich.With<PythonLevelNames>();
        if (toConsole)
        {
            config = config.WriteTo.Sink(new TextWriterSink(console ?? Console.Error, Formatter(format)));
        }
        if (logFile is not null)
        {
            CheckWritable(logFile);
            // shared: several processes (or loggers) may append to one file safely.
            config = config.WriteTo.File(Formatter(fileFormat ?? format), logFile, shared: true);
        }
        _serilog = config.CreateLogger();
        _factory = new SerilogLoggerFactory(_serilog);
        _logger = _factory.CreateLogger(clientId);
    }

    /// <summary>The name on every line.</summary>
    public string ClientId { get; }

    /// <summary>The lowest level written now.</summary>
    public HydraLogLevel Level => HydraLogLevels.FromSerilog(_level.MinimumLevel);

    /// <summary>Hand this to <c>RouterOptions</c> or <c>HydraMQOptions</c> so the library logs here.</summary>
    public ILoggerFactory LoggerFactory => _factory;

    /// <summary>Changes the level at run time.</summary>
    public void SetLevel(HydraLogLevel level) => _level.MinimumLevel = level.ToSerilog();

    /// <summary>Changes the level at run time, by name in any case.</summary>
    /// <exception cref="ArgumentException">Unknown level name.</exception>
    public void SetLevel(string level) => SetLevel(HydraLogLevels.Parse(level));

    /// <summary>Writes a debug line.</summary>
    public void Debug(string message) => Write(HydraLogLevel.Debug, message);
    /// <summary>Writes an info line.</summary>
    public void Info(string message) => Write(HydraLogLevel.Info, message);
    /// <summary>Writes a warning line.</summary>
    public void Warning(string message) => Write(HydraLogLevel.Warning, message);
    /// <summary>Writes an error line.</summary>
    public void Error(string message) => Write(HydraLogLevel.Error, message);
    /// <summary>Writes a critical line.</summary>
    public void Critical(string message) => Write(HydraLogLevel.Critical, message);

    /// <summary>Flushes and closes the sinks; later calls write nothing.</summary>
    public void Shutdown() => _factory.Dispose();

    /// <inheritdoc/>
    public void Dispose() => Shutdown();

    /// <summary>
    /// Opens the file for appending once, so a file that cannot be written is an error at start.
    /// Serilog's file sink would only report it to its self-log and drop every line (and would
    /// create missing directories, hiding a mistyped path).
    /// </summary>
    private static void CheckWritable(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new IOException($"cannot write the log file {path}: {Reason(e, path)}", e);
        }
    }

    private static string Reason(Exception e, string path) => e switch
    {
        _ when Directory.Exists(path) => "it is a directory",
        DirectoryNotFoundException when Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory =>
            File.Exists(directory) ? $"{directory} is a file, not a directory" : $"the directory {directory} does not exist",
        UnauthorizedAccessException => "permission denied",
        ArgumentException => "not a valid path",
        _ => e.Message,
    };

    private static ITextFormatter Formatter(HydraLogFormat format) => format == HydraLogFormat.Json
        ? new JsonLineFormatter()
        : new MessageTemplateTextFormatter(LineTemplate, CultureInfo.InvariantCulture);

    private void Write(HydraLogLevel level, string message) =>
        _logger.Log(level.ToMicrosoft(), "{Text}", message);

    /// <summary>Gives each event the original's level word (INFO, not Information).</summary>
    private sealed class PythonLevelNames : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("HydraLevel", HydraLogLevels.FromSerilog(logEvent.Level).ToLabel()));
    }
}
