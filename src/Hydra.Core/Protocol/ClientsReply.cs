using System.Buffers;
using System.Text.Json;

namespace Hydra.Protocol;

/// <summary>
/// The router's answer to <c>clients</c>: one page of the client table (docs/protocol.md,
/// "The client table and clients"). Written off the routing thread, and never larger than a
/// frame may be: a page ends early, and <c>next_offset</c> says where the next one starts.
/// </summary>
internal static class ClientsReply
{
    /// <summary>Rows in a page unless the request asks for fewer.</summary>
    public const int MaxRows = 5_000;

    /// <summary>Room kept free for the closing keys of the message.</summary>
    private const int Slack = 2_048;

    /// <summary>Reads <c>payload.offset</c> and <c>payload.limit</c>; null when they make sense, else why not.</summary>
    public static string? ReadRequest(System.Text.Json.Nodes.JsonObject payload, out int offset, out int limit)
    {
        offset = 0;
        limit = MaxRows;
        return Whole(payload, ClientsMethod.OffsetKey, 0, int.MaxValue, ref offset) ?? Whole(payload, ClientsMethod.LimitKey, 1, MaxRows, ref limit);
    }

    /// <summary>
    /// A page of rows already made and sorted (a cluster's: every row has its router). <paramref name="missingRouters"/>
    /// are routers of the cluster that did not answer in time, written as <c>missing_routers</c> when any.
    /// </summary>
    public static byte[] Write(ReadOnlySpan<byte> identity, IReadOnlyList<ClientInfo> sorted, int offset, int limit, long maxBytes, ReadOnlySpan<byte> replyTo,
        IReadOnlyList<string>? missingRouters) =>
        Write(identity, sorted.Count, i => sorted[i], offset, limit, maxBytes, replyTo, missingRouters);

    /// <summary>A page of <paramref name="total"/> sorted rows, each made when written (<paramref name="rowAt"/>), so a page of a large table makes only its own rows.</summary>
    public static byte[] Write(ReadOnlySpan<byte> identity, int total, Func<int, ClientInfo> rowAt, int offset, int limit, long maxBytes, ReadOnlySpan<byte> replyTo,
        IReadOnlyList<string>? missingRouters)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer, Wire.WriterOptions);
        ReplyWriter.WriteStart(json, identity, HydraMethods.Clients);
        json.WriteStartArray("clients"u8);
        var next = Math.Min(offset, total);
        var end = (int)Math.Min((long)next + limit, total);
        for (; next < end && buffer.WrittenCount + json.BytesPending < maxBytes - Slack; next++)
        {
            WriteRow(json, rowAt(next));
        }
        json.WriteEndArray();
        json.WriteNumber("total"u8, total);
        json.WriteNumber("offset"u8, offset);
        if (next < total)
        {
            json.WriteNumber("next_offset"u8, next);
        }
        else
        {
            json.WriteNull("next_offset"u8);
        }
        if (missingRouters is { Count: > 0 })
        {
            json.WriteStartArray("missing_routers"u8);
            foreach (var router in missingRouters)
            {
                json.WriteStringValue(router);
            }
            json.WriteEndArray();
        }
        ReplyWriter.WriteEnd(json, replyTo);
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRow(Utf8JsonWriter json, ClientInfo client)
    {
        json.WriteStartObject();
        json.WriteString("identity"u8, client.Identity);
        json.WriteString("status"u8, client.Status.ToLabel());
        json.WriteNumber("last_seen_s"u8, Math.Round(client.LastSeenAgo.TotalSeconds, 3));
        json.WriteNumber("messages_in"u8, client.MessagesIn);
        json.WriteNumber("messages_out"u8, client.MessagesOut);
        json.WriteBoolean("connected"u8, client.Connected);
        if (client.Router is not null)
        {
            json.WriteString("router"u8, client.Router); // in a cluster: the router it is connected to
        }
        json.WriteEndObject();
    }

    private static string? Whole(System.Text.Json.Nodes.JsonObject payload, string key, int min, int max, ref int value)
    {
        var node = payload[key];
        if (node is null)
        {
            return null;
        }
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var number) && number >= min && number <= max)
        {
            value = number;
            return null;
        }
        return $"payload.{key} must be a whole number from {min} to {(max == int.MaxValue ? "any" : max)}";
    }
}
