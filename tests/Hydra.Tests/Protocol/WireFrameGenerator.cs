using System.Text;

namespace Hydra.Tests.Protocol;

/// <summary>
/// Seeded frames for the decoder differential: mostly near-valid Hydra messages with one or
/// two things off (a field's type, a duplicate key, an escaped key, a lone surrogate, a
/// version, a truncation, nesting), so both decoders have to decide the hard cases.
/// </summary>
internal sealed class WireFrameGenerator(int seed, string sender, string target)
{
    private static readonly string[] Keys = ["sender", "target", "method", "payload", "protocol_version", "version", "id", "reply_to", "extra"];
    private static readonly string[] Odd = ["7", "1.0", "-1", "1e0", "null", "true", "false", "[]", "[1,\"a\"]", "{}", "{\"k\":{\"n\":null}}", "\"\"", "\"\\u0041\\u00e9\"", "\"\\ud800\"", "\"x\\ny\"", "\"\\\\\"", "\"é中\""];
    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var fields = new List<(string Key, string Value)>
        {
            ("sender", Quote(sender)), ("target", Quote(target)), ("method", Quote(_random.Next(3) == 0 ? "ping" : "hello")),
            ("payload", _random.Next(4) == 0 ? "{\"n\":1,\"n\":2,\"deep\":{\"a\":[{}]}}" : "{}"), ("protocol_version", "1"),
        };
        if (_random.Next(2) == 0)
        {
            fields.Add(("id", Quote($"q{_random.Next(1000)}")));
        }
        for (var changes = _random.Next(0, 3); changes > 0; changes--)
        {
            Change(fields);
        }
        if (_random.Next(3) == 0)
        {
            Shuffle(fields);
        }
        var json = "{" + string.Join(_random.Next(2) == 0 ? "," : ", ", fields.Select(f => $"{KeyText(f.Key)}:{f.Value}")) + "}";
        return Corrupt(Encoding.UTF8.GetBytes(json));
    }

    private void Change(List<(string Key, string Value)> fields)
    {
        var key = Keys[_random.Next(Keys.Length)];
        var value = Odd[_random.Next(Odd.Length)];
        switch (_random.Next(4))
        {
            case 0: // replace or add
                fields.RemoveAll(f => f.Key == key);
                fields.Add((key, value));
                break;
            case 1: // duplicate: the later one counts
                fields.Add((key, _random.Next(2) == 0 ? value : fields.FirstOrDefault(f => f.Key == key).Value ?? value));
                break;
            case 2: // drop
                fields.RemoveAll(f => f.Key == key);
                break;
            default: // a string value with a twist
                fields.RemoveAll(f => f.Key == key);
                fields.Add((key, Quote(new[] { "", "HydraRouter", sender, target, "a\\u0000b", "\\ud83d\\ude00", "\\udc00x" }[_random.Next(7)], escaped: true)));
                break;
        }
    }

    private string KeyText(string key) => _random.Next(12) == 0 ? $"\"\\u{(int)key[0]:x4}{key[1..]}\"" : $"\"{key}\"";

    private byte[] Corrupt(byte[] frame)
    {
        switch (_random.Next(16))
        {
            case 0:
                return frame[.._random.Next(frame.Length)]; // truncated
            case 1:
                frame[_random.Next(frame.Length)] = (byte)_random.Next(0x80, 0x100); // not UTF-8 (or still is, by luck)
                return frame;
            case 2:
                return [.. frame, .. "x"u8]; // trailing data
            case 3:
                var depth = _random.Next(60, 70); // around the nesting limit
                var nested = new string('[', depth) + new string(']', depth);
                return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(frame).Replace("\"payload\":{}", $"\"payload\":{{\"d\":{nested}}}", StringComparison.Ordinal));
            default:
                return frame;
        }
    }

    private void Shuffle(List<(string Key, string Value)> fields)
    {
        for (var i = fields.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (fields[i], fields[j]) = (fields[j], fields[i]);
        }
    }

    private static string Quote(string text, bool escaped = false) =>
        escaped ? $"\"{text}\"" : "\"" + System.Text.Json.JsonEncodedText.Encode(text) + "\"";
}
