using System.Text.Json;
using Hydra.Logging;
using Microsoft.Extensions.Logging;

namespace Hydra.Tests.Logging;

/// <summary>The JSON line format: what a log shipper gets from each kind of event.</summary>
public class HydraLogJsonTests
{
    private static JsonElement[] Lines(StringWriter writer) =>
        [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public void A_library_event_keeps_its_properties_typed_and_its_text_readable()
    {
        var console = new StringWriter();
        using (var log = new HydraLog("HydraRouter", console: console, format: HydraLogFormat.Json))
        {
            log.LoggerFactory.CreateLogger("Hydra.Router").LogWarning("Refused message from {Identity}: {Code} (port {Port})", "café ✓", "busy", 5757);
        }
        var line = Assert.Single(Lines(console));
        Assert.Equal("WARNING", line.GetProperty("level").GetString());
        Assert.Equal("Hydra.Router", line.GetProperty("category").GetString());
        Assert.Equal("Refused message from café ✓: busy (port 5757)", line.GetProperty("message").GetString());
        Assert.Equal("café ✓", line.GetProperty("Identity").GetString());
        Assert.Equal(5757, line.GetProperty("Port").GetInt32());
        Assert.Equal("HydraRouter", line.GetProperty("ClientId").GetString());
        Assert.EndsWith("Z", line.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Contains("café ✓", console.ToString(), StringComparison.Ordinal); // not \u-escaped: greppable
    }

    [Fact]
    public void An_exception_is_one_field_and_the_line_stays_one_line()
    {
        var console = new StringWriter();
        using (var log = new HydraLog("HydraRouter", console: console, format: HydraLogFormat.Json))
        {
            log.LoggerFactory.CreateLogger("Hydra.Router").LogError(new InvalidOperationException("broken\nacross lines"), "Internal error");
        }
        var line = Assert.Single(Lines(console));
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Contains("InvalidOperationException: broken\nacross lines", line.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_apps_own_lines_are_json_too_without_a_duplicate_text_property()
    {
        var console = new StringWriter();
        using (var log = new HydraLog("HydraServer", console: console, format: HydraLogFormat.Json))
        {
            log.Info("ready");
        }
        var line = Assert.Single(Lines(console));
        Assert.Equal(("INFO", "HydraServer", "ready"), (line.GetProperty("level").GetString(), line.GetProperty("category").GetString(), line.GetProperty("message").GetString()));
        Assert.False(line.TryGetProperty("Text", out _));
    }
}
