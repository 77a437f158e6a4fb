using System.Text.RegularExpressions;
using Hydra.Logging;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Logging;

public partial class HydraLogTests
{
    [GeneratedRegex(@"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] \[INFO\] \[HydraRouter\] started$")]
    private static partial Regex OriginalLine();

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Lines_have_the_originals_format()
    {
        var console = new StringWriter();
        using (var log = new HydraLog("HydraRouter", console: console))
        {
            log.Info("started");
        }
        Assert.Matches(OriginalLine(), Assert.Single(Lines(console)));
    }

    [Fact]
    public void Each_level_has_the_originals_word()
    {
        var console = new StringWriter();
        using var log = new HydraLog("x", console: console);
        log.Debug("d");
        log.Info("i");
        log.Warning("w");
        log.Error("e");
        log.Critical("c");
        var words = Lines(console).Select(l => l.Split(' ')[2]).ToArray();
        Assert.Equal(["[DEBUG]", "[INFO]", "[WARNING]", "[ERROR]", "[CRITICAL]"], words);
    }

    [Theory]
    [InlineData("WARNING")]
    [InlineData("warning")]
    [InlineData("Warning")]
    public void Level_can_change_at_run_time_by_name_in_any_case(string name)
    {
        var console = new StringWriter();
        using var log = new HydraLog("x", console: console);
        log.SetLevel(name);
        log.Info("hidden");
        log.Warning("shown");
        Assert.Equal(HydraLogLevel.Warning, log.Level);
        Assert.EndsWith("shown", Assert.Single(Lines(console)));
    }

    [Fact]
    public void Unknown_level_names_the_valid_ones()
    {
        using var log = new HydraLog("x", toConsole: false);
        var error = Assert.Throws<ArgumentException>(() => log.SetLevel("verbose"));
        Assert.Contains("debug, info, warning, error, critical", error.Message);
    }

    [Fact]
    public void A_second_logger_with_the_same_name_does_not_duplicate_lines()
    {
        var first = new StringWriter();
        var second = new StringWriter();
        using var a = new HydraLog("HydraClient", console: first);
        using var b = new HydraLog("HydraClient", console: second);
        b.Info("once");
        Assert.Empty(Lines(first));
        Assert.Single(Lines(second));
    }

    [Fact]
    public void File_gets_the_same_lines_and_is_flushed_on_shutdown()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hydra-log-{Guid.NewGuid():N}.log");
        try
        {
            var log = new HydraLog("HydraRouter", logFile: path, toConsole: false, level: HydraLogLevel.Info);
            log.Debug("not at this level");
            log.Info("started");
            log.Shutdown();
            Assert.Matches(OriginalLine(), Assert.Single(File.ReadAllLines(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_log_file_that_cannot_be_written_is_an_error_at_construction()
    {
        var directory = Directory.CreateTempSubdirectory("hydra-log-").FullName;
        try
        {
            var missing = Path.Combine(directory, "missing", "x.log");
            var error = Assert.Throws<IOException>(() => new HydraLog("HydraRouter", logFile: missing, toConsole: false));
            Assert.Equal($"cannot write the log file {missing}: the directory {Path.Combine(directory, "missing")} does not exist", error.Message);
            Assert.False(Directory.Exists(Path.Combine(directory, "missing")), "a mistyped directory must not be created");
            error = Assert.Throws<IOException>(() => new HydraLog("HydraRouter", logFile: directory, toConsole: false));
            Assert.Equal($"cannot write the log file {directory}: it is a directory", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Library_loggers_write_through_the_same_sinks_with_the_client_id()
    {
        var console = new StringWriter();
        using var log = new HydraLog("HydraServer", console: console, level: HydraLogLevel.Info);
        log.LoggerFactory.CreateLogger("Hydra.MQ").LogWarning("queue {Name} full", "inbox");
        Assert.EndsWith("[WARNING] [HydraServer] queue inbox full", Assert.Single(Lines(console)));
    }
}
