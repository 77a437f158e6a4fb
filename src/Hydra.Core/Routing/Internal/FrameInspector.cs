using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Hydra.Messages;

namespace Hydra.Routing.Internal;

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

    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> frame) =>
        _unescaped ?? frame.Slice(_start, _length);

    public string ToString(ReadOnlySpan<byte> frame) => IsPresent ? Encoding.UTF8.GetString(Bytes(frame)) : "";

    internal static JsonField Read(ref Utf8JsonReader reader)
    {
        // Escaped strings (rare) are unescaped once; plain ones are only pointed at.
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return new JsonField(0, 0, Encoding.UTF8.GetBytes(reader.GetString()!));
        }
        return new JsonField((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
    }
}

/// <summary>The fields the router needs from a frame; everything else stays in the bytes.</summary>
internal struct FrameHeader
{
    public JsonField Sender;
    public JsonField Target;
    public JsonField Method;
    public JsonField Id;
}

/// <summary>
/// Reads <c>sender</c>, <c>target</c>, <c>method</c> and <c>id</c> from a wire frame without
/// building objects, while still checking the whole frame is a valid Hydra message
/// (same rules as <see cref="HydraMsg.FromJson"/>), so nothing invalid is ever forwarded.
/// </summary>
internal static class FrameInspector
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Returns null when the frame is a valid message, else what is wrong with it.</summary>
    public static string? Inspect(ReadOnlySpan<byte> frame, out FrameHeader header)
    {
        header = default;
        if (!Utf8.IsValid(frame))
        {
            return "message is not valid UTF-8";
        }
        try
        {
            return ReadObject(frame, ref header);
        }
        catch (JsonException e)
        {
            return $"message is not JSON: {e.Message}";
        }
        catch (InvalidOperationException e)
        {
            // An escape for half a surrogate pair ("\ud800") is valid JSON syntax but no readable string.
            return $"message has a string that is not valid text: {e.Message}";
        }
    }

    private static string? ReadObject(ReadOnlySpan<byte> frame, ref FrameHeader header)
    {
        var reader = new Utf8JsonReader(frame, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "message is not a JSON object";
        }
        bool hasVersion = false, versionOk = false, hasLegacy = false, legacyOk = false;
        string? problem = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (KeyOf(ref reader))
            {
                case Key.Sender:
                    problem ??= ReadString(ref reader, "sender", ref header.Sender);
                    break;
                case Key.Target:
                    problem ??= ReadString(ref reader, "target", ref header.Target);
                    break;
                case Key.Method:
                    problem ??= ReadString(ref reader, "method", ref header.Method);
                    break;
                case Key.Payload:
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.Null))
                    {
                        problem ??= $"payload is not an object (got {KindOf(reader.TokenType)})";
                    }
                    reader.Skip();
                    break;
                case Key.ProtocolVersion:
                    hasVersion = true;
                    versionOk = ReadVersion(ref reader);
                    break;
                case Key.LegacyVersion:
                    hasLegacy = true;
                    legacyOk = ReadVersion(ref reader);
                    break;
                case Key.ReplyTo:
                    // Not needed for routing, but the receiver's decoder reads it: check it is readable text.
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        _ = JsonField.Read(ref reader);
                    }
                    reader.Skip();
                    break;
                case Key.Id:
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        header.Id = JsonField.Read(ref reader);
                    }
                    reader.Skip();
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
        if (!hasVersion && !hasLegacy)
        {
            return "missing field protocol_version";
        }
        if (hasVersion ? !versionOk : !legacyOk)
        {
            return "unsupported protocol version";
        }
        return problem
            ?? (!header.Sender.IsPresent ? "missing field sender"
            : !header.Target.IsPresent ? "missing field target"
            : !header.Method.IsPresent ? "missing field method"
            : null);
    }

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
            2 when name.SequenceEqual(HydraMsg.IdKey) => Key.Id,
            6 when name.SequenceEqual(HydraMsg.SenderKey) => Key.Sender,
            6 when name.SequenceEqual(HydraMsg.TargetKey) => Key.Target,
            6 when name.SequenceEqual(HydraMsg.MethodKey) => Key.Method,
            7 when name.SequenceEqual(HydraMsg.PayloadKey) => Key.Payload,
            7 when name.SequenceEqual(HydraMsg.LegacyVersionKey) => Key.LegacyVersion,
            8 when name.SequenceEqual(HydraMsg.ReplyToKey) => Key.ReplyTo,
            16 when name.SequenceEqual(HydraMsg.ProtocolVersionKey) => Key.ProtocolVersion,
            _ => Key.Other,
        };
    }

    private static Key EscapedKeyOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals(HydraMsg.SenderKey) ? Key.Sender
        : reader.ValueTextEquals(HydraMsg.TargetKey) ? Key.Target
        : reader.ValueTextEquals(HydraMsg.MethodKey) ? Key.Method
        : reader.ValueTextEquals(HydraMsg.PayloadKey) ? Key.Payload
        : reader.ValueTextEquals(HydraMsg.ProtocolVersionKey) ? Key.ProtocolVersion
        : reader.ValueTextEquals(HydraMsg.LegacyVersionKey) ? Key.LegacyVersion
        : reader.ValueTextEquals(HydraMsg.ReplyToKey) ? Key.ReplyTo
        : reader.ValueTextEquals(HydraMsg.IdKey) ? Key.Id
        : Key.Other;

    private static string? ReadString(ref Utf8JsonReader reader, string key, ref JsonField field)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            field = JsonField.Read(ref reader);
            return null;
        }
        var kind = KindOf(reader.TokenType);
        reader.Skip();
        return kind == "null" ? $"missing field {key}" : $"field {key} must be a string (got {kind})";
    }

    private static bool ReadVersion(ref Utf8JsonReader reader)
    {
        reader.Read();
        // "1" as written by every peer is recognised without parsing a number; 1.0 or 1e0 still count.
        var ok = reader.TokenType == JsonTokenType.Number
            && (reader.ValueSpan is [(byte)'1'] || (reader.TryGetDouble(out var version) && version == HydraMsg.ProtocolVersion));
        reader.Skip();
        return ok;
    }

    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "object",
    };
}
