using System.Text;
using Hydra.Protocol;
using Hydra.Testing;
using Hydra.Tests.Reliability;
using Hydra.Tests.Rules;
using Xunit.Abstractions;

namespace Hydra.Tests.Protocol;

/// <summary>
/// The router and a peer agree on every frame: the router forwards exactly what a peer's
/// decoder accepts, reading the same fields, and refuses the rest as bad_message. Checked
/// against a plain reading of the rules (<see cref="SpecDecoder"/>) on thousands of seeded frames.
/// </summary>
public sealed class DecoderAgreementTests(ITestOutputHelper output)
{
    private const int Frames = 20_000;

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Inspector_decoder_and_spec_accept_the_same_frames_with_the_same_fields(int seed)
    {
        var generator = new WireFrameGenerator(seed, "alice", "bob");
        var fuzz = new FuzzFrames(new Random(seed), maxMessageSize: 4096);
        var accepted = 0;
        for (var i = 0; i < Frames; i++)
        {
            var frame = i % 4 == 3 ? fuzz.Next("alice", ["bob"])[^1] : generator.Next();
            var expected = SpecDecoder.Decode(frame);
            var problem = FrameInspector.Inspect(frame, out var header);
            HydraMsg? decoded = null;
            try
            {
                decoded = HydraMsg.FromJson(frame);
            }
            catch (HydraMessageException)
            {
            }
            var what = $"frame #{i} (seed {seed}): {SpecDecoder.Show(frame)}";
            Assert.True((expected is null) == (problem is not null), $"spec {(expected is null ? "refuses" : "accepts")}, inspector says {problem ?? "valid"}: {what}");
            Assert.True((expected is null) == (decoded is null), $"spec and HydraMsg.FromJson disagree: {what}");
            if (expected is null)
            {
                continue;
            }
            accepted++;
            Assert.Equal(expected, new SpecDecoder.Fields(header.Sender.ToString(frame), header.Target.ToString(frame), header.Method.ToString(frame),
                header.Id.ToNullableString(frame), header.ReplyTo.ToNullableString(frame)));
            Assert.Equal(expected, new SpecDecoder.Fields(decoded!.Sender, decoded.Target, decoded.Method, decoded.Id, decoded.ReplyTo));
        }
        output.WriteLine($"{Frames} frames, {accepted} valid, {Frames - accepted} refused");
        Assert.InRange(accepted, Frames / 10, Frames * 9 / 10); // the generator must exercise both sides
    }

    [Fact]
    public async Task What_the_router_forwards_a_peer_decodes_and_what_it_refuses_a_peer_would_too()
    {
        await using var harness = new RulesHarness();
        using var sink = harness.Connect("sink");
        using var source = harness.Connect("source");
        var generator = new WireFrameGenerator(seed: 7, "source", "sink");
        int delivered = 0, refused = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var frame = generator.Next();
            var expected = SpecDecoder.Decode(frame);
            var what = $"frame #{i}: {SpecDecoder.Show(frame)}";
            source.Send(frame);
            // Barriers: the router handles one message at a time, in order, so whatever the frame
            // caused (a forward, an error) is queued before the answers to these pings.
            var toSource = UntilPong(source, "source");
            var toSink = UntilPong(sink, "sink");
            var forwarded = toSink.Concat(toSource.Where(m => m.SequenceEqual(frame))).ToList();
            var errors = toSource.Where(m => !m.SequenceEqual(frame)).Select(m => HydraMsg.FromJson(m))
                .Where(m => m is { Method: "error", Sender: "HydraRouter" }).Select(m => (string?)m.Payload["code"]).ToList();
            if (expected is null)
            {
                refused++;
                var code = Assert.Single(errors);
                Assert.True(code == "bad_message", $"refused as {code} instead of bad_message: {what}");
                Assert.True(forwarded.Count == 0, $"router forwarded what a peer refuses: {what}");
                continue;
            }
            Assert.True(errors.All(code => code != "bad_message" || expected.Target == ""), $"router refused what a peer accepts: {what}");
            foreach (var copy in forwarded)
            {
                Assert.Equal(frame, copy);
                var decoded = HydraMsg.FromJson(copy);
                Assert.Equal(expected, new SpecDecoder.Fields(decoded.Sender, decoded.Target, decoded.Method, decoded.Id, decoded.ReplyTo));
                delivered++;
            }
        }
        output.WriteLine($"delivered {delivered}, refused as bad_message {refused}");
        Assert.True(delivered > 200 && refused > 200, "both outcomes must be exercised");
    }

    /// <summary>Everything a connection receives up to the pong that answers a ping sent now.</summary>
    private static List<byte[]> UntilPong(Hydra.Transport.InMemory.InMemoryConnection connection, string identity)
    {
        connection.SendJson(RulesHarness.Message(identity, "HydraRouter", "ping", ""","id":"barrier" """));
        var received = new List<byte[]>();
        while (true)
        {
            var message = connection.Receive()[^1];
            if (SpecDecoder.Decode(message) is { Sender: "HydraRouter", ReplyTo: "barrier" })
            {
                return received;
            }
            received.Add(message);
        }
    }
}
