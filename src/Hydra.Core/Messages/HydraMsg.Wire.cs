using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Hydra.Messages;

// Encoding and decoding. Decoding follows PROTOCOL.md section 2 and names every problem.
public sealed partial class HydraMsg
{
    internal static ReadOnlySpan<byte> SenderKey => "sender"u8;
    internal static ReadOnlySpan<byte> TargetKey => "target"u8;
    internal static ReadOnlySpan<byte> MethodKey => "method"u8;
    internal static ReadOnlySpan<byte> PayloadKey => "payload"u8;
    internal static ReadOnlySpan<byte> ProtocolVersionKey => "protocol_version"u8;
    internal static ReadOnlySpan<byte> LegacyVersionKey => "version"u8;
    internal static ReadOnlySpan<byte> IdKey => "id"u8;
    internal static ReadOnlySpan<byte> ReplyToKey => "reply_to"u8;

    /// <summary>Decodes one wire frame.</summary>
    /// <exception cref="HydraMessageException">Not UTF-8, not JSON, or not a valid Hydra message; the text says which.</exception>
    public static HydraMsg FromJson(ReadOnlySpan<byte> utf8Json)
    {
        if (!Utf8.IsValid(utf8Json))
        {
            throw new HydraMessageException("message is not valid UTF-8");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new HydraMessageException($"message is not JSON: {e.Message}", e);
        }
        catch (ArgumentException e) // duplicate keys surface here
        {
            throw new HydraMessageException($"message is not a valid JSON object: {e.Message}", e);
        }
        return node is JsonObject obj
            ? FromObject(obj)
            : throw new HydraMessageException($"message is not a JSON object (got {KindOf(node)})");
    }

    /// <summary>Decodes a dictionary of the wire's keys (payload may be a dictionary or a <see cref="JsonObject"/>).</summary>
    /// <exception cref="HydraMessageException">A field is missing or of the wrong kind; the text says which.</exception>
    public static HydraMsg FromDictionary(IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        JsonNode? node;
        try
        {
            node = JsonSerializer.SerializeToNode(fields);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new HydraMessageException($"dictionary cannot be represented as JSON: {e.Message}", e);
        }
        return FromObject((JsonObject)node!);
    }

    /// <summary>Encodes to one UTF-8 JSON frame, keys in the original's order.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes into a buffer writer (no intermediate array).</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteString(SenderKey, Sender);
        writer.WriteString(TargetKey, Target);
        writer.WriteString(MethodKey, Method);
        writer.WritePropertyName(PayloadKey);
        Payload.WriteTo(writer);
        writer.WriteNumber(ProtocolVersionKey, ProtocolVersion);
        if (Id is not null)
        {
            writer.WriteString(IdKey, Id);
        }
        if (ReplyTo is not null)
        {
            writer.WriteString(ReplyToKey, ReplyTo);
        }
        writer.WriteEndObject();
    }

    /// <summary>The wire's keys as a dictionary; the payload is a copy.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var fields = new Dictionary<string, object?>
        {
            ["sender"] = Sender,
            ["target"] = Target,
            ["method"] = Method,
            ["payload"] = Payload.DeepClone(),
            ["protocol_version"] = ProtocolVersion,
        };
        if (Id is not null)
        {
            fields["id"] = Id;
        }
        if (ReplyTo is not null)
        {
            fields["reply_to"] = ReplyTo;
        }
        return fields;
    }

    private static HydraMsg FromObject(JsonObject obj)
    {
        CheckVersion(obj);
        var sender = RequiredString(obj, "sender");
        var target = RequiredString(obj, "target");
        var method = RequiredString(obj, "method");
        var payload = obj["payload"] switch
        {
            null => [],
            JsonObject o => o,
            var other => throw new HydraMessageException($"payload is not an object (got {KindOf(other)})"),
        };
        obj.Remove("payload"); // detach so the new message can own it
        return new HydraMsg(sender, target, method, payload)
        {
            Id = OptionalId(obj, "id"),
            ReplyTo = OptionalId(obj, "reply_to"),
        };
    }

    private static void CheckVersion(JsonObject obj)
    {
        // Releases before 0.15 wrote "version"; accept it when "protocol_version" is absent.
        if (!obj.TryGetPropertyValue("protocol_version", out var version)
            && !obj.TryGetPropertyValue("version", out version))
        {
            throw new HydraMessageException("missing field protocol_version");
        }
        if (version is JsonValue value && value.TryGetValue<double>(out var number) && number == ProtocolVersion)
        {
            return;
        }
        throw new HydraMessageException($"unsupported protocol version {version?.ToJsonString() ?? "null"}");
    }

    private static string RequiredString(JsonObject obj, string key)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            throw new HydraMessageException($"missing field {key}");
        }
        return node is JsonValue value && TryGetText(value, key, out var text)
            ? text
            : throw new HydraMessageException($"field {key} must be a string (got {KindOf(node)})");
    }

    // Ids are ours, not the original's; a peer that sends a number still gets it echoed as text.
    private static string? OptionalId(JsonObject obj, string key) => obj[key] switch
    {
        null => null,
        JsonValue value when TryGetText(value, key, out var text) => text,
        var other => other.ToJsonString(),
    };

    private static bool TryGetText(JsonValue value, string key, out string text)
    {
        try
        {
            return value.TryGetValue(out text!);
        }
        catch (InvalidOperationException e)
        {
            // An escape for half a surrogate pair ("\ud800") is valid JSON syntax but no readable string.
            throw new HydraMessageException($"field {key} is not valid text: {e.Message}", e);
        }
    }

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "value",
        },
        _ => "value",
    };
}
