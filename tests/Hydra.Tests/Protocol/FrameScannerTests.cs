using System.Text;
using System.Text.Unicode;
using Hydra.Protocol;
using Hydra.Tests.Reliability;
using Xunit.Abstractions;

namespace Hydra.Tests.Protocol;

/// <summary>
/// The inspector's fast path (<see cref="FrameScanner"/>) accepts only what the full reader
/// accepts, and reads the same fields and payload from it; everything else it leaves to the
/// reader. Checked on seeded frames and on byte-level mutations of valid ones, which reach the
/// corners of JSON's grammar (numbers, literals, nesting, whitespace) that hand-written frames miss.
/// </summary>
public sealed class FrameScannerTests(ITestOutputHelper output)
{
    private const int Frames = 30_000;

    private const string Typical = """{"sender":"s1","target":"r1","method":"load","payload":{"seq":"0000000042","pad":"xxxx"},"protocol_version":1}""";

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Scanner_accepts_only_what_the_full_reader_accepts_and_reads_the_same_fields(int seed)
    {
        var random = new Random(seed);
        var generator = new WireFrameGenerator(seed, "alice", "bob");
        var fuzz = new FuzzFrames(new Random(seed), maxMessageSize: 4096);
        int valid = 0, fast = 0;
        for (var i = 0; i < Frames; i++)
        {
            var frame = (i % 3) switch
            {
                0 => generator.Next(),
                1 => fuzz.Next("alice", ["bob"])[^1],
                _ => Mutate(random, Encoding.UTF8.GetBytes(ValidFrames[random.Next(ValidFrames.Length)])),
            };
            if (!Utf8.IsValid(frame))
            {
                continue; // the inspector refuses these before either reader runs
            }
            var scanned = default(FrameHeader);
            var read = default(FrameHeader);
            var accepted = FrameScanner.TryRead(frame, ref scanned);
            var problem = FrameInspector.ReadWithJsonReader(frame, ref read);
            valid += problem is null ? 1 : 0;
            if (!accepted)
            {
                continue;
            }
            fast++;
            var what = $"frame #{i} (seed {seed}): {SpecDecoder.Show(frame)}";
            Assert.True(problem is null, $"the scanner accepts, the reader refuses ({problem}): {what}");
            AssertSameFields(frame, read, scanned, what);
        }
        output.WriteLine($"{Frames} frames, {valid} valid, {fast} of them read by the scanner");
        Assert.InRange(fast, valid / 3, valid); // the scanner must be the path most valid frames take
    }

    private static readonly string[] ValidFrames =
    [
        Typical,
        """{"sender":"s1","target":"HydraRouter","method":"ping","payload":{},"protocol_version":1,"id":"s1:7"}""",
        """ { "sender" : "a" , "target":"b","method":"m","payload":null,"version":1 ,"reply_to":"q","id":null } """,
        "{\r\n\t\"sender\":\"a\",\"target\":\"b\",\"method\":\"m\",\"protocol_version\":1}\n",
        """{"sender":"a","target":"b","method":"m","payload":{"n":-0,"f":0.5e-3,"g":1E+2,"h":-12.25E7,"t":true,"u":false,"z":null},"protocol_version":1}""",
        """{"sender":"a","target":"b","method":"m","payload":{"a":[],"b":[[],{}],"c":[1,"x",{"d":[null]}],"é":"中"},"protocol_version":1,"extra":[1,2]}""",
        """{"payload":{"x":1},"sender":"a","target":"b","method":"m","payload":null,"protocol_version":1,"sender":"c"}""",
    ];

    public static TheoryData<string> Valid => [.. ValidFrames];

    [Theory]
    [MemberData(nameof(Valid))]
    public void Frames_peers_send_take_the_fast_path(string json)
    {
        var frame = Encoding.UTF8.GetBytes(json);
        var scanned = default(FrameHeader);
        var read = default(FrameHeader);
        Assert.True(FrameScanner.TryRead(frame, ref scanned));
        Assert.Null(FrameInspector.ReadWithJsonReader(frame, ref read));
        AssertSameFields(frame, read, scanned, json);
    }

    [Theory]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1.0}""")] // valid, but the reader decides
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1e0}""")]
    [InlineData("""{"sender":"\u0061","target":"b","method":"m","protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"k":"\n"},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":10}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":2}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":"1"}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1,"protocol_version":2}""")]
    [InlineData("""{"sender":7,"target":"b","method":"m","protocol_version":1}""")]
    [InlineData("""{"sender":null,"target":"b","method":"m","protocol_version":1}""")]
    [InlineData("""{"target":"b","method":"m","protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m"}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":[],"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":01},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":1.},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":-},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":1e},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":tru},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":[1,]},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n":1,},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":{"n" 1},"protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1}x""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1,}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1/**/}""")]
    [InlineData("""{}""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public void Anything_unusual_is_left_to_the_full_reader(string json)
    {
        var header = default(FrameHeader);
        Assert.False(FrameScanner.TryRead(Encoding.UTF8.GetBytes(json), ref header));
    }

    /// <summary>
    /// The scanner marks quotes 16 bytes at a time and the last few bytes one by one, on frames up
    /// to 2,048 bytes: an escape or a control character must send the frame to the full reader
    /// wherever it falls, and a plain frame of any length must be read the same.
    /// </summary>
    [Fact]
    public void An_escape_anywhere_in_a_frame_of_any_length_is_left_to_the_full_reader()
    {
        foreach (var length in Enumerable.Range(0, 40).Concat(Enumerable.Range(1_930, 150)))
        {
            var pad = new string('x', length);
            var plain = Encoding.UTF8.GetBytes($$"""{"sender":"a","target":"b","method":"m","protocol_version":1,"pad":"{{pad}}"}""");
            var scanned = default(FrameHeader);
            var read = default(FrameHeader);
            Assert.True(FrameScanner.TryRead(plain, ref scanned), $"pad {length}");
            Assert.Null(FrameInspector.ReadWithJsonReader(plain, ref read));
            AssertSameFields(plain, read, scanned, $"pad {length}");
            foreach (var odd in new[] { "\\n", "\t", "\"" })
            {
                // At each place of the last 16-byte chunk and of the bytes after it (the frame ends 2 bytes after the pad).
                for (var at = Math.Max(0, length - 20); at < length; at++)
                {
                    var frame = Encoding.UTF8.GetBytes($$"""{"sender":"a","target":"b","method":"m","protocol_version":1,"pad":"{{pad[..at]}}{{odd}}{{pad[at..]}}"}""");
                    var header = default(FrameHeader);
                    Assert.False(FrameScanner.TryRead(frame, ref header), $"pad {length}, {odd} at {at}");
                }
            }
        }
    }

    [Fact]
    public void Deep_payloads_are_left_to_the_full_reader_and_its_nesting_limit()
    {
        foreach (var depth in new[] { 10, 20, 63, 64, 65, 100 })
        {
            var nested = new string('[', depth) + new string(']', depth);
            var frame = Encoding.UTF8.GetBytes($$"""{"sender":"a","target":"b","method":"m","payload":{"d":{{nested}}},"protocol_version":1}""");
            var scanned = default(FrameHeader);
            var read = default(FrameHeader);
            var accepted = FrameScanner.TryRead(frame, ref scanned);
            var problem = FrameInspector.ReadWithJsonReader(frame, ref read);
            Assert.Equal(depth <= 10, accepted);
            Assert.Equal(depth + 2 <= FrameInspector.MaxDepth, problem is null);
        }
    }

    /// <summary>A few random edits with bytes that matter to JSON's grammar.</summary>
    private static byte[] Mutate(Random random, byte[] frame)
    {
        const string Alphabet = "{}[]\",:0123456789.eE+- \t\n\rtruefalsnl\\x/é";
        var bytes = frame.ToList();
        for (var edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            var with = Encoding.UTF8.GetBytes(Alphabet[random.Next(Alphabet.Length)].ToString());
            switch (random.Next(3))
            {
                case 0:
                    bytes.RemoveAt(at);
                    break;
                case 1:
                    bytes.InsertRange(at, with);
                    break;
                default:
                    bytes.RemoveAt(at);
                    bytes.InsertRange(at, with);
                    break;
            }
        }
        return [.. bytes];
    }

    private static void AssertSameFields(byte[] frame, FrameHeader expected, FrameHeader actual, string what)
    {
        AssertSame(frame, expected.Sender, actual.Sender, "sender", what);
        AssertSame(frame, expected.Target, actual.Target, "target", what);
        AssertSame(frame, expected.Method, actual.Method, "method", what);
        AssertSame(frame, expected.Id, actual.Id, "id", what);
        AssertSame(frame, expected.ReplyTo, actual.ReplyTo, "reply_to", what);
        Assert.True(expected.PayloadLength == actual.PayloadLength && (expected.PayloadLength == 0 || expected.PayloadStart == actual.PayloadStart),
            $"payload at {actual.PayloadStart}+{actual.PayloadLength}, the reader says {expected.PayloadStart}+{expected.PayloadLength}: {what}");
    }

    private static void AssertSame(byte[] frame, JsonField expected, JsonField actual, string name, string what) =>
        Assert.True(expected.IsPresent == actual.IsPresent && expected.Bytes(frame).SequenceEqual(actual.Bytes(frame)),
            $"{name}: '{actual.ToNullableString(frame)}', the reader says '{expected.ToNullableString(frame)}': {what}");
}
