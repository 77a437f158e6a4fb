using System.Text.Json.Nodes;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport.InMemory;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>The clients method: pages that fit a frame, and a limit on how often a peer may ask.</summary>
public sealed class ClientsRulesTests
{
    [Fact]
    public async Task A_big_table_comes_in_pages_that_each_fit_in_a_frame()
    {
        await using var harness = new RulesHarness(new RouterOptions { MaxMessageSize = 4096 });
        var peers = Enumerable.Range(0, 40).Select(i => Join(harness, $"peer-{i:D2}")).ToList();
        using var asker = Join(harness, "asker");

        var seen = new List<string>();
        int? offset = 0;
        var pages = 0;
        while (offset is { } from)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(1)); // stay within the requests-a-second limit
            asker.SendJson(Message("asker", "HydraRouter", "clients", $$""","id":"page-{{pages}}" """).Replace("\"payload\":{}", $"\"payload\":{{\"offset\":{from}}}", StringComparison.Ordinal));
            var frame = Assert.Single(asker.Receive());
            Assert.True(frame.Length <= 4096, $"a page of {frame.Length} bytes is over the frame limit");
            var reply = (JsonObject)JsonNode.Parse(frame)!;
            Assert.Equal(($"page-{pages}", 41), ((string?)reply["reply_to"], (int?)reply["payload"]!["total"]));
            seen.AddRange(reply["payload"]!["clients"]!.AsArray().Select(row => (string)row!["identity"]!));
            offset = (int?)reply["payload"]!["next_offset"];
            pages++;
        }
        Assert.True(pages > 1, "40 clients do not fit in one 4 KiB frame");
        Assert.Equal(peers.Select(p => System.Text.Encoding.UTF8.GetString(p.Identity)).Append("asker").Order(StringComparer.Ordinal), seen);
        peers.ForEach(p => p.Dispose());
    }

    [Fact]
    public async Task A_peer_asking_in_a_loop_gets_busy_and_every_request_is_answered()
    {
        await using var harness = new RulesHarness();
        using var asker = Join(harness, "asker");
        for (var i = 0; i < 12; i++)
        {
            asker.SendJson(Message("asker", "HydraRouter", "clients", $$""","id":"q{{i}}" """));
        }
        var answers = Enumerable.Range(0, 12).Select(_ => asker.ReceiveJson()).ToList();
        Assert.Equal(12, answers.Select(a => (string?)a["reply_to"]).Distinct().Count());
        var busy = answers.Where(a => (string?)a["method"] == "error").ToList();
        Assert.All(busy, a => JsonAssert.IsError(a, "busy"));
        Assert.InRange(answers.Count - busy.Count, 1, Hydra.Routing.Internal.ClientsRequestLimit.PerSecond); // the clock stands still: one second's worth at most
    }

    [Fact]
    public async Task A_page_request_that_makes_no_sense_is_refused()
    {
        await using var harness = new RulesHarness();
        using var asker = Join(harness, "asker");
        asker.SendJson(Message("asker", "HydraRouter", "clients").Replace("\"payload\":{}", "\"payload\":{\"limit\":0}", StringComparison.Ordinal));
        var refusal = asker.ReceiveJson();
        JsonAssert.IsError(refusal, "bad_message");
        Assert.Contains("payload.limit must be a whole number from 1 to 5000", (string?)refusal["payload"]!["detail"]);
    }

    private static InMemoryConnection Join(RulesHarness harness, string identity)
    {
        var connection = harness.Connect(identity);
        connection.SendJson(Message(identity, "HydraRouter", "ping"));
        connection.Receive();
        return connection;
    }
}
