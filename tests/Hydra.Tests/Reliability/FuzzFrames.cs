using System.Text;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Makes bad (and a few good) frame-sets for the fuzz test, from a seeded generator so a
/// failure can be replayed. Never makes a <c>clients</c> request (its answer is not counted
/// among the router's outcomes) and never anything over the router's size limit (that is
/// <see cref="Oversize"/>'s job).
/// </summary>
internal sealed class FuzzFrames(Random random, int maxMessageSize)
{
    private static readonly string[] Fields = ["sender", "target", "method", "payload", "protocol_version"];
    private static readonly string[] WrongValues = ["1", "-0.5e300", "[]", "[1,{\"a\":null}]", "{}", "{\"k\":\"v\"}", "null", "true", "false", "\"\"", "\"x\"", "\"\\u0000\"", "\"\\ud800\""];
    private readonly byte[] _filler = MakeFiller(random, maxMessageSize);

    public string Kind { get; private set; } = "";

    /// <summary>One frame-set to send as <paramref name="identity"/> (which may be binary), aimed at peers named in <paramref name="targets"/>.</summary>
    public byte[][] Next(string identity, IReadOnlyList<string> targets)
    {
        var target = random.Next(4) == 0 ? "HydraRouter" : targets[random.Next(targets.Count)];
        switch (random.Next(14))
        {
            case 0:
                Kind = "random frames";
                return [.. Enumerable.Range(0, random.Next(1, 7)).Select(_ => RandomBytes(random.Next(0, 2048)))];
            case 1:
                Kind = "empty frames";
                return [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Array.Empty<byte>())];
            case 2:
                Kind = "invalid UTF-8";
                var bytes = Encoding.UTF8.GetBytes(Valid(identity, target, "ping"));
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
                return [bytes];
            case 3:
                Kind = "truncated JSON";
                var whole = Valid(identity, target, "ping");
                return [Encoding.UTF8.GetBytes(whole[..random.Next(whole.Length)])];
            case 4:
                Kind = "deeply nested JSON";
                var depth = random.Next(60, 20_000);
                var open = random.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, random.Next(2) == 0 ? depth : depth / 2));
                return [Encoding.UTF8.GetBytes(Valid(identity, target, "ping").Replace("\"payload\":{}", $"\"payload\":{{\"deep\":{nested}}}", StringComparison.Ordinal))];
            case 5:
                Kind = "wrong type for a field";
                var field = Fields[random.Next(Fields.Length)];
                return [Encoding.UTF8.GetBytes(WithField(identity, target, field, WrongValues[random.Next(WrongValues.Length)]))];
            case 6:
                Kind = "missing field";
                var drop = Fields[random.Next(Fields.Length)];
                return [Encoding.UTF8.GetBytes(WithField(identity, target, drop, null))];
            case 7:
                Kind = "huge payload under the limit";
                var size = random.Next(maxMessageSize / 2, maxMessageSize - 200);
                return [Encoding.UTF8.GetBytes(Valid(identity, target, "blob", $",\"blob\":\"{Encoding.ASCII.GetString(_filler, 0, size)}\""))];
            case 8:
                Kind = "impersonation";
                return [Encoding.UTF8.GetBytes(Valid(targets[random.Next(targets.Count)], target, "ping"))];
            case 9:
                Kind = "unknown router method or target";
                return [Encoding.UTF8.GetBytes(random.Next(2) == 0 ? Valid(identity, "HydraRouter", "shutdown") : Valid(identity, "nobody-" + random.Next(), "hello"))];
            case 10:
                Kind = "valid message";
                return [Encoding.UTF8.GetBytes(Valid(identity, target, random.Next(2) == 0 ? "ping" : "hello"))];
            case 11:
                Kind = "delimiter forms";
                var body = Encoding.UTF8.GetBytes(Valid(identity, target, "ping"));
                return random.Next(2) == 0 ? [[], body] : [[], [], body];
            case 12:
                Kind = "odd strings and versions";
                var odd = new[] { "\\u0000", "\\ud800", "\\\"", new string('é', 300), "\\n\\t" }[random.Next(5)];
                var version = new[] { "1", "1.0", "2", "0", "\"1\"", "1e0", "-1" }[random.Next(7)];
                return [Encoding.UTF8.GetBytes($$"""{"sender":"{{Escape(identity)}}","target":"{{odd}}","method":"{{odd}}","payload":{"{{odd}}":1},"protocol_version":{{version}}}""")];
            default:
                Kind = "disconnect marker lookalike";
                return [Encoding.UTF8.GetBytes("\0hydra:disconnected")];
        }
    }

    /// <summary>A frame over the router's limit: ZeroMQ drops the sender's connection instead of reading it.</summary>
    public byte[] Oversize() => new byte[maxMessageSize + 1 + random.Next(64 * 1024)];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Valid(string sender, string target, string method, string extra = "") =>
        $$"""{"sender":"{{Escape(sender)}}","target":"{{Escape(target)}}","method":"{{method}}","payload":{}{{extra}},"protocol_version":1}""";

    private static string WithField(string sender, string target, string field, string? value)
    {
        var values = new Dictionary<string, string>
        {
            ["sender"] = $"\"{Escape(sender)}\"",
            ["target"] = $"\"{Escape(target)}\"",
            ["method"] = "\"ping\"",
            ["payload"] = "{}",
            ["protocol_version"] = "1",
        };
        if (value is null)
        {
            values.Remove(field);
        }
        else
        {
            values[field] = value;
        }
        return "{" + string.Join(",", values.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}";
    }

    private static string Escape(string text) => System.Text.Json.JsonEncodedText.Encode(text).ToString();

    private static byte[] MakeFiller(Random random, int size)
    {
        var filler = new byte[size];
        for (var i = 0; i < filler.Length; i++)
        {
            filler[i] = (byte)('a' + random.Next(26));
        }
        return filler;
    }
}
