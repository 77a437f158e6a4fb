using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hydra.Cli;

/// <summary>How <c>hydra clients</c> prints the table: aligned columns for people, or one JSON object.</summary>
internal static class ClientTableText
{
    /// <summary>Escaped only where JSON requires it, as the router's own frames are.</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Identity, status, last seen, messages in and out, and, in a cluster, the router each client is on;
    /// then the count, and the routers that did not answer if any.
    /// </summary>
    public static void WriteText(ClientPages.Table table, TextWriter output)
    {
        var inCluster = table.Rows.Any(row => row["router"] is not null);
        string[] header = inCluster ? ["IDENTITY", "STATUS", "LAST SEEN", "IN", "OUT", "ROUTER"] : ["IDENTITY", "STATUS", "LAST SEEN", "IN", "OUT"];
        var lines = new List<string[]> { header };
        lines.AddRange(table.Rows.Select(row => Cells(row, inCluster)));
        var widths = Enumerable.Range(0, header.Length).Select(column => lines.Max(line => line[column].Length)).ToArray();
        foreach (var line in lines)
        {
            // Text left, numbers right, as ls -l and ps do.
            var cells = line.Select((cell, column) => column is 3 or 4 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table.Rows.Count} {(table.Rows.Count == 1 ? "client" : "clients")}"));
        if (table.MissingRouters.Count > 0)
        {
            output.WriteLine($"not in the table: the clients of router {string.Join(", ", table.MissingRouters)}, which did not answer in time");
        }
    }

    /// <summary><c>{"clients": [rows as the router wrote them], "total": N}</c>, with <c>missing_routers</c> when any.</summary>
    public static void WriteJson(ClientPages.Table table, TextWriter output)
    {
        var result = new JsonObject
        {
            ["clients"] = new JsonArray([.. table.Rows]),
            ["total"] = table.Total,
        };
        if (table.MissingRouters.Count > 0)
        {
            result["missing_routers"] = new JsonArray([.. table.MissingRouters.Select(router => JsonValue.Create(router))]);
        }
        output.WriteLine(result.ToJsonString(Json));
    }

    private static string[] Cells(JsonObject row, bool inCluster)
    {
        var seen = (double?)row["last_seen_s"] ?? 0;
        string[] cells =
        [
            (string?)row["identity"] ?? "",
            (string?)row["status"] ?? "",
            string.Create(CultureInfo.InvariantCulture, $"{seen:0.0} s"),
            ((long?)row["messages_in"] ?? 0).ToString(CultureInfo.InvariantCulture),
            ((long?)row["messages_out"] ?? 0).ToString(CultureInfo.InvariantCulture),
        ];
        return inCluster ? [.. cells, (string?)row["router"] ?? ""] : cells;
    }
}
