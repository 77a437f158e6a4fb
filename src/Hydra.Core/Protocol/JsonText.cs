using System.Text.Json;

namespace Hydra.Protocol;

/// <summary>Turns System.Text.Json's syntax errors into text a person reads.</summary>
internal static class JsonText
{
    /// <summary>
    /// <c>'tru}' is an invalid JSON literal. Expected the literal 'true' (at byte 9)</c> instead of
    /// .NET's <c>… LineNumber: 0 | BytePositionInLine: 8.</c> (zero-based, and in .NET's words).
    /// </summary>
    public static string Describe(JsonException e)
    {
        var text = e.Message;
        var suffix = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            text = text[..suffix];
        }
        text = text.TrimEnd(' ', '.');
        if (e.BytePositionInLine is not { } column)
        {
            return text;
        }
        return e.LineNumber is > 0
            ? $"{text} (at line {e.LineNumber + 1}, byte {column + 1})"
            : $"{text} (at byte {column + 1})";
    }
}
