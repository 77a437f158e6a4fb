using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Hydra.Protocol;

/// <summary>A string value inside a frame: where it sits, or its unescaped bytes when it had escapes.</summary>
internal readonly struct JsonField
{
    private readonly int _start;
    private readonly int _length;
    private readonly byte[]? _unescaped;

    private JsonField(int start, int length, byte[]? unescaped)
    {
        _start = start;
        _length = length;
        _unescaped = unescaped;
        IsPresent = true;
    }

    public bool IsPresent { get; }

    /// <summary>A plain string (no escapes) at this place in the frame.</summary>
    internal static JsonField At(int start, int length) => new(start, length, null);

    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> frame) =>
        _unescaped ?? frame.Slice(_start, _length);

    public string ToString(ReadOnlySpan<byte> frame) => IsPresent ? Encoding.UTF8.GetString(Bytes(frame)) : "";

    /// <summary>The value as a string, or null when the key was absent (or null).</summary>
    public string? ToNullableString(ReadOnlySpan<byte> frame) => IsPresent ? Encoding.UTF8.GetString(Bytes(frame)) : null;

    internal static JsonField Read(ref Utf8JsonReader reader)
    {
        // Escaped strings (rare) are unescaped once; plain ones are only pointed at. GetString
        // throws InvalidOperationException for an escaped half surrogate pair ("\ud800").
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return new JsonField(0, 0, Encoding.UTF8.GetBytes(reader.GetString()!));
        }
        return new JsonField((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
    }
}

/// <summary>The fields of a frame that code reads; the payload is only located.</summary>
internal struct FrameHeader
{
    public JsonField Sender;
    public JsonField Target;
    public JsonField Method;
    public JsonField Id;
    public JsonField ReplyTo;
    /// <summary>Where the payload object sits in the frame; length 0 when absent or null.</summary>
    public int PayloadStart;
    public int PayloadLength;
}

/// <summary>
/// The one reader of the wire format (docs/protocol.md): checks that a frame is a valid Hydra
/// message and reads <c>sender</c>, <c>target</c>, <c>method</c>, <c>id</c> and <c>reply_to</c>
/// without building objects. The router routes on it in place; <see cref="HydraMsg.FromJson"/>
/// decodes through it, so both accept and refuse exactly the same frames.
/// </summary>
internal static class FrameInspector
{
    /// <summary>Nesting allowed in a frame (System.Text.Json's default); deeper is refused, never crashed on.</summary>
    public const int MaxDepth = 64;

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Returns null when the frame is a valid message, else what is wrong with it.</summary>
    public static string? Inspect(ReadOnlySpan<byte> frame, out FrameHeader header)
    {
        header = default;
        if (!Utf8.IsValid(frame))
        {
            return "message is not valid UTF-8";
        }
        // The frames peers send are read in one cheap pass; anything it is not sure of, the reader below decides.
        if (FrameScanner.TryRead(frame, ref header))
        {
            return null;
        }
        header = default;
        return ReadWithJsonReader(frame, ref header);
    }

    /// <summary>The full reader on its own (after the UTF-8 check): every refusal is worded here. Tests compare the scanner against it.</summary>
    internal static string? ReadWithJsonReader(ReadOnlySpan<byte> frame, ref FrameHeader header)
    {
        try
        {
            return ReadObject(frame, ref header);
        }
        catch (JsonException e)
        {
            return $"message is not JSON: {JsonText.Describe(e)}";
        }
    }

    private static string? ReadObject(ReadOnlySpan<byte> frame, ref FrameHeader header)
    {
        var reader = new Utf8JsonReader(frame, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return $"message is not a JSON object (got {KindOf(reader.TokenType)})";
        }
        string? version = null, legacyVersion = null; // what each version key said is wrong, "" when right
        string? problem = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (KeyOf(ref reader))
            {
                case Key.Sender:
                    Keep(ref problem, ReadString(ref reader, "sender", ref header.Sender));
                    break;
                case Key.Target:
                    Keep(ref problem, ReadString(ref reader, "target", ref header.Target));
                    break;
                case Key.Method:
                    Keep(ref problem, ReadString(ref reader, "method", ref header.Method));
                    break;
                case Key.Id:
                    Keep(ref problem, ReadString(ref reader, "id", ref header.Id));
                    break;
                case Key.ReplyTo:
                    Keep(ref problem, ReadString(ref reader, "reply_to", ref header.ReplyTo));
                    break;
                case Key.Payload:
                    Keep(ref problem, LocatePayload(ref reader, ref header));
                    break;
                case Key.ProtocolVersion:
                    version = ReadVersion(ref reader);
                    break;
                case Key.LegacyVersion:
                    legacyVersion = ReadVersion(ref reader);
                    break;
                default:
                    reader.Read();
                    reader.Skip(); // unknown keys are allowed and forwarded untouched
                    break;
            }
        }
        if (reader.Read())
        {
            return "unexpected data after the JSON object"; // normally the reader throws first
        }
        // Python releases before 0.15 wrote "version"; it counts only when "protocol_version" is absent.
        var versionProblem = version ?? legacyVersion ?? "missing field protocol_version";
        if (versionProblem.Length > 0)
        {
            return versionProblem;
        }
        return problem
            ?? (!header.Sender.IsPresent ? "missing field sender"
            : !header.Target.IsPresent ? "missing field target"
            : !header.Method.IsPresent ? "missing field method"
            : null);
    }

    /// <summary>The first problem is the one reported, but every value must still be read past.</summary>
    private static void Keep(ref string? first, string? problem) => first ??= problem;

    private enum Key { Other, Sender, Target, Method, Payload, ProtocolVersion, LegacyVersion, ReplyTo, Id }

    /// <summary>
    /// Which key the reader is on. Plain names (all of them, in practice) are matched by length
    /// and bytes in one step; an escaped name goes through ValueTextEquals, which unescapes.
    /// </summary>
    private static Key KeyOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return EscapedKeyOf(ref reader);
        }
        var name = reader.ValueSpan;
        return name.Length switch
        {
            2 when name.SequenceEqual(Wire.IdKey) => Key.Id,
            6 when name.SequenceEqual(Wire.SenderKey) => Key.Sender,
            6 when name.SequenceEqual(Wire.TargetKey) => Key.Target,
            6 when name.SequenceEqual(Wire.MethodKey) => Key.Method,
            7 when name.SequenceEqual(Wire.PayloadKey) => Key.Payload,
            7 when name.SequenceEqual(Wire.LegacyVersionKey) => Key.LegacyVersion,
            8 when name.SequenceEqual(Wire.ReplyToKey) => Key.ReplyTo,
            16 when name.SequenceEqual(Wire.ProtocolVersionKey) => Key.ProtocolVersion,
            _ => Key.Other,
        };
    }

    private static Key EscapedKeyOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(Wire.SenderKey) ? Key.Sender
        : reader.ValueTextEquals(Wire.TargetKey) ? Key.Target
        : reader.ValueTextEquals(Wire.MethodKey) ? Key.Method
        : reader.ValueTextEquals(Wire.PayloadKey) ? Key.Payload
        : reader.ValueTextEquals(Wire.ProtocolVersionKey) ? Key.ProtocolVersion
        : reader.ValueTextEquals(Wire.LegacyVersionKey) ? Key.LegacyVersion
        : reader.ValueTextEquals(Wire.ReplyToKey) ? Key.ReplyTo
        : reader.ValueTextEquals(Wire.IdKey) ? Key.Id
        : Key.Other;

    /// <summary>
    /// A string field: a string sets it, null unsets it (as if absent; a required field is then
    /// missing unless a later duplicate sets it), anything else is refused, never guessed at.
    /// </summary>
    private static string? ReadString(ref Utf8JsonReader reader, string key, ref JsonField field)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return TryReadText(ref reader, key, ref field);
        }
        field = default; // a later duplicate replaces an earlier value, whatever it is
        var kind = KindOf(reader.TokenType);
        reader.Skip();
        return kind == "null" ? null : $"field {key} must be a string (got {kind})";
    }

    private static string? TryReadText(ref Utf8JsonReader reader, string key, ref JsonField field)
    {
        try
        {
            field = JsonField.Read(ref reader);
            return null;
        }
        catch (InvalidOperationException)
        {
            // Valid JSON syntax, but no readable string: an escaped half of a surrogate pair ("\ud800").
            return $"field {key} is not valid text (it escapes half of a surrogate pair, such as \\ud800)";
        }
    }

    private static string? LocatePayload(ref Utf8JsonReader reader, ref FrameHeader header)
    {
        reader.Read();
        var start = (int)reader.TokenStartIndex;
        var token = reader.TokenType;
        reader.Skip();
        if (token == JsonTokenType.StartObject)
        {
            header.PayloadStart = start;
            header.PayloadLength = (int)reader.BytesConsumed - start;
            return null;
        }
        header.PayloadLength = 0;
        return token == JsonTokenType.Null ? null : $"payload is not an object (got {KindOf(token)})";
    }

    /// <returns>"" when the version is 1, else the problem.</returns>
    private static string ReadVersion(ref Utf8JsonReader reader)
    {
        reader.Read();
        // "1" as written by every peer is recognised without parsing a number; 1.0 or 1e0 still count.
        if (reader.TokenType == JsonTokenType.Number
            && (reader.ValueSpan is [(byte)'1'] || (reader.TryGetDouble(out var number) && number == Wire.ProtocolVersion)))
        {
            return "";
        }
        var shown = reader.TokenType is JsonTokenType.Number or JsonTokenType.String && !reader.HasValueSequence && reader.ValueSpan.Length <= 32
            ? (reader.TokenType == JsonTokenType.String ? $"\"{Encoding.UTF8.GetString(reader.ValueSpan)}\"" : Encoding.UTF8.GetString(reader.ValueSpan))
            : KindOf(reader.TokenType);
        reader.Skip();
        return $"unsupported protocol version {shown} (this side speaks version {Wire.ProtocolVersion})";
    }

    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "object",
        _ => "nothing",
    };
}
