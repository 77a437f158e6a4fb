using System.Text.Json;
using Hydra.Testing;
using static Hydra.Tests.Operations.HeadlessRouter;

namespace Hydra.Tests.Operations;

/// <summary><c>--log-format json</c>: every line a log shipper reads is one JSON object with the documented fields.</summary>
public sealed class JsonLogTests
{
    private static readonly string[] Fields = ["timestamp", "level", "category", "message"];

    [Fact]
    public async Task Console_and_file_lines_are_json_objects_with_the_documented_fields()
    {
        var file = Path.Combine(Path.GetTempPath(), $"hydra-json-{Guid.NewGuid():N}.log");
        try
        {
            await using (var router = await StartAsync(["--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--log-format", "json", "--log-file", file]))
            {
                await using (var client = new HydraClient(new HydraMQOptions { RouterAddress = "127.0.0.1", RouterPort = router.Port, RouterHeartbeatPort = router.HeartbeatPort, Identity = "jsonpeer", NetworkTimeout = TimeSpan.FromSeconds(10) }))
                {
                    await client.StartAsync();
                    await Assert.ThrowsAsync<HydraRemoteException>(() => client.PingAsync("Nobody"));
                }
                await router.Process.WaitForLineAsync(l => l.Contains("Refused message", StringComparison.Ordinal), "the refusal");
                router.Process.Signal("TERM");
                Assert.Equal(0, await router.Process.WaitForExitAsync());
                var console = Lines(router.Process.Output);
                AssertJsonLines(console);
                var refusal = console.Single(l => l.GetProperty("message").GetString()!.StartsWith("Refused message", StringComparison.Ordinal));
                Assert.Equal("WARNING", refusal.GetProperty("level").GetString());
                Assert.Equal("Hydra.Router", refusal.GetProperty("category").GetString());
                Assert.Equal("jsonpeer", refusal.GetProperty("Identity").GetString());
                Assert.Equal("unknown_target", refusal.GetProperty("Code").GetString());
                Assert.Equal("Refused message from jsonpeer: unknown_target: no peer named 'Nobody' is connected", refusal.GetProperty("message").GetString());
            }
            var written = Lines(await File.ReadAllTextAsync(file));
            AssertJsonLines(written);
            Assert.Contains(written, l => l.GetProperty("message").GetString() == "Router stopped");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static List<JsonElement> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private static void AssertJsonLines(List<JsonElement> lines)
    {
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            Assert.Equal(JsonValueKind.Object, line.ValueKind);
            foreach (var field in Fields)
            {
                Assert.Equal(JsonValueKind.String, line.GetProperty(field).ValueKind);
            }
            Assert.True(DateTimeOffset.TryParse(line.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        }
    }
}
