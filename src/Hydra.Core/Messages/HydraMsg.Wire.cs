using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hydra.Protocol;

namespace Hydra;

// Encoding and decoding (docs/protocol.md). Decoding goes through the router's own
// FrameInspector, so a peer accepts exactly the frames the router forwards, field for field.
public sealed partial class HydraMsg
{
    /// <summary>Decodes one wire frame.</summary>
    /// <exception cref="HydraMessageException">Not UTF-8, not JSON, or not a valid Hydra message; the text says which.</exception>
    public static HydraMsg FromJson(ReadOnlySpan<byte> utf8Json)
    {
        if (FrameInspector.Inspect(utf8Json, out var header) is { } problem)
        {
            throw new HydraMessageException(problem);
        }
        return new HydraMsg(header.Sender.ToString(utf8Json), header.Target.ToString(utf8Json), header.Method.ToString(utf8Json), PayloadOf(utf8Json, header))
        {
            Id = header.Id.ToNullableString(utf8Json),
            ReplyTo = header.ReplyTo.ToNullableString(utf8Json),
        };
    }

    /// <summary>Decodes a dictionary of the wire's keys (payload may be a dictionary or a <see cref="JsonObject"/>).</summary>
    /// <exception cref="HydraMessageException">A field is missing or of the wrong kind; the text says which.</exception>
    public static HydraMsg FromDictionary(IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(fields);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new HydraMessageException($"dictionary cannot be represented as JSON: {e.Message}", e);
        }
        return FromJson(json); // one set of rules for every way in
    }

    /// <summary>Encodes to one UTF-8 JSON frame, keys in the original's order.</summary>
    public byte[] ToJson()
    {
        // A buffer per thread: a peer sending hundreds of thousands of messages a second allocates the result only.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        WriteTo(buffer);
        var json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            t_buffer = null; // a big message passed through: do not keep its buffer
        }
        return json;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>Encodes into a buffer writer (no intermediate array).</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        // One writer per thread, reset for each message (a writer is a few hundred bytes of state).
        var writer = t_writer ??= new Utf8JsonWriter(output, Wire.WriterOptions);
        writer.Reset(output);
        writer.WriteStartObject();
        writer.WriteString(Wire.SenderKey, Sender);
        writer.WriteString(Wire.TargetKey, Target);
        writer.WriteString(Wire.MethodKey, Method);
        writer.WritePropertyName(Wire.PayloadKey);
        Payload.WriteTo(writer);
        writer.WriteNumber(Wire.ProtocolVersionKey, ProtocolVersion);
        if (Id is not null)
        {
            writer.WriteString(Wire.IdKey, Id);
        }
        if (ReplyTo is not null)
        {
            writer.WriteString(Wire.ReplyToKey, ReplyTo);
        }
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset(Stream.Null); // lets go of the caller's buffer
    }

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

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

    // The inspector has checked the payload's syntax and depth, so parsing it cannot fail.
    // Its values are read lazily: a payload the router forwarded untouched is never refused here.
    private static JsonObject PayloadOf(ReadOnlySpan<byte> frame, in FrameHeader header) =>
        header.PayloadLength == 0
            ? []
            : (JsonObject)JsonNode.Parse(frame.Slice(header.PayloadStart, header.PayloadLength), documentOptions: new JsonDocumentOptions { MaxDepth = FrameInspector.MaxDepth })!;
}
