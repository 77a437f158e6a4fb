using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Hydra.Logging;

/// <summary>
/// One JSON object per line: <c>timestamp</c> (UTC, ISO 8601), <c>level</c> (the words of the text
/// lines: INFO, WARNING, …), <c>category</c> (the logger: Hydra.Router, Hydra.MQ, or the app's id),
/// <c>message</c> (rendered as on a text line), <c>exception</c> when there is one, then each structured
/// property of the event under its template name (<c>Identity</c>, <c>Code</c>, <c>Port</c>, …).
/// Written by hand rather than with Serilog's compact format, whose keys (<c>@t</c>, <c>@mt</c>) and
/// omitted level for Information would make every shipper's parser special-case them.
/// </summary>
internal sealed class JsonLineFormatter : ITextFormatter
{
    /// <summary>Properties already written under a field of their own, or only there to draw text lines.</summary>
    private static readonly HashSet<string> Covered = ["SourceContext", "HydraLevel", "Text"];

    private static readonly JsonWriterOptions Options = new()
    {
        // Identities and details stay readable (é, ✓, quotes escaped the JSON way only).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}", CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", logEvent.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("level", HydraLogLevels.FromSerilog(logEvent.Level).ToLabel());
            json.WriteString("category", Category(logEvent));
            json.WriteString("message", Render(logEvent));
            if (logEvent.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }
            foreach (var (name, value) in logEvent.Properties)
            {
                if (!Covered.Contains(name))
                {
                    json.WritePropertyName(name);
                    Write(json, value);
                }
            }
            json.WriteEndObject();
        }
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
    }

    private static string Category(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name } ? name
        : logEvent.Properties.TryGetValue("ClientId", out var client) && client is ScalarValue { Value: string id } ? id
        : "";

    private string Render(LogEvent logEvent)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        _message.Format(logEvent, text);
        return text.ToString();
    }

    private static void Write(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    Write(json, element);
                }
                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    Write(json, property.Value);
                }
                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(Convert.ToString(key.Value, CultureInfo.InvariantCulture) ?? "");
                    Write(json, element);
                }
                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(value.ToString(null, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case decimal m: json.WriteNumberValue(m); break;
            case short or ushort or byte or sbyte or uint: json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: json.WriteNumberValue(u); break;
            case DateTimeOffset at: json.WriteStringValue(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTime at: json.WriteStringValue(at.ToString("O", CultureInfo.InvariantCulture)); break;
            case IFormattable formattable: json.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
