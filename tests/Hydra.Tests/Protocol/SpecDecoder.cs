using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Hydra.Tests.Protocol;

/// <summary>
/// docs/protocol.md's decoding rules written the plain way (JsonDocument, one key at a time),
/// as an oracle for the router's in-place FrameInspector and for HydraMsg.FromJson.
/// </summary>
internal static class SpecDecoder
{
    public sealed record Fields(string Sender, string Target, string Method, string? Id, string? ReplyTo);

    /// <summary>The fields, or null when the frame is not a valid Hydra message.</summary>
    public static Fields? Decode(byte[] frame)
    {
        if (!Utf8.IsValid(frame))
        {
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(frame, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            string? sender = null, target = null, method = null, id = null, replyTo = null;
            bool? version = null, legacyVersion = null;
            var ok = true;
            foreach (var property in document.RootElement.EnumerateObject()) // in order; a later duplicate wins
            {
                if (!TryName(property, out var name))
                {
                    return null; // a key that is no readable text is refused by JsonDocument's reader too
                }
                var value = property.Value;
                switch (name)
                {
                    case "sender": ok &= Required(value, ref sender); break;
                    case "target": ok &= Required(value, ref target); break;
                    case "method": ok &= Required(value, ref method); break;
                    case "id": ok &= Optional(value, ref id); break;
                    case "reply_to": ok &= Optional(value, ref replyTo); break;
                    case "payload": ok &= value.ValueKind is JsonValueKind.Object or JsonValueKind.Null; break;
                    case "protocol_version": version = IsOne(value); break;
                    case "version": legacyVersion = IsOne(value); break;
                }
            }
            var versionOk = version ?? legacyVersion ?? false;
            return ok && versionOk && sender is not null && target is not null && method is not null
                ? new Fields(sender, target, method, id, replyTo)
                : null;
        }
    }

    private static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    // A string (readable text) sets the field; null leaves it missing; anything else is a problem.
    private static bool Required(JsonElement value, ref string? field) => value.ValueKind switch
    {
        JsonValueKind.String => TryText(value, out field),
        JsonValueKind.Null => Unset(ref field),
        _ => false,
    };

    // A string sets it; null clears it (as if absent); anything else is a problem.
    private static bool Optional(JsonElement value, ref string? field) => value.ValueKind switch
    {
        JsonValueKind.String => TryText(value, out field),
        JsonValueKind.Null => Unset(ref field),
        _ => false,
    };

    private static bool Unset(ref string? field)
    {
        field = null;
        return true;
    }

    private static bool TryText(JsonElement value, out string? text)
    {
        try
        {
            text = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static bool IsOne(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.GetDouble() == 1;

    public static string Show(byte[] frame) => Utf8.IsValid(frame) ? Encoding.UTF8.GetString(frame) : Convert.ToHexString(frame);
}
