using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Hydra.Routing;

namespace Hydra.Protocol;

/// <summary>
/// Builds the router's own messages (pong, heartbeat_reply, error, clients) into one reused
/// buffer, so answering does not allocate per message. Poller thread only.
/// </summary>
internal sealed class ReplyWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public ReplyWriter() => _json = new Utf8JsonWriter(_buffer);

    public void Dispose() => _json.Dispose();

    /// <summary>Starts a reply to <paramref name="identity"/>; the caller writes the payload's properties, then calls <see cref="End"/>.</summary>
    public Utf8JsonWriter Begin(ReadOnlySpan<byte> identity, string method)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString(Wire.SenderKey, HydraIdentities.Router);
        if (Utf8.IsValid(identity))
        {
            _json.WriteString(Wire.TargetKey, identity);
        }
        else
        {
            _json.WriteString(Wire.TargetKey, IdentityText.Of(identity));
        }
        _json.WriteString(Wire.MethodKey, method);
        _json.WriteStartObject(Wire.PayloadKey);
        return _json;
    }

    /// <summary>Closes the payload and the message; <paramref name="replyTo"/> echoes the request's id.</summary>
    public ReadOnlySpan<byte> End(ReadOnlySpan<byte> replyTo)
    {
        _json.WriteEndObject();
        _json.WriteNumber(Wire.ProtocolVersionKey, Wire.ProtocolVersion);
        if (!replyTo.IsEmpty)
        {
            _json.WriteString(Wire.ReplyToKey, replyTo);
        }
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenSpan;
    }

    public ReadOnlySpan<byte> Error(ReadOnlySpan<byte> identity, HydraErrorCode code, string detail, ReadOnlySpan<byte> replyTo)
    {
        var json = Begin(identity, HydraMethods.Error);
        json.WriteString("code"u8, code.ToWire());
        json.WriteString("detail"u8, detail);
        return End(replyTo);
    }

    public ReadOnlySpan<byte> Empty(ReadOnlySpan<byte> identity, string method, ReadOnlySpan<byte> replyTo)
    {
        Begin(identity, method);
        return End(replyTo);
    }

    public ReadOnlySpan<byte> Clients(ReadOnlySpan<byte> identity, List<ClientInfo> clients, ReadOnlySpan<byte> replyTo)
    {
        var json = Begin(identity, HydraMethods.Clients);
        json.WriteStartArray("clients"u8);
        foreach (var client in clients)
        {
            json.WriteStartObject();
            json.WriteString("identity"u8, client.Identity);
            json.WriteString("status"u8, client.Status.ToLabel());
            json.WriteNumber("last_seen_s"u8, Math.Round(client.LastSeenAgo.TotalSeconds, 3));
            json.WriteNumber("messages_in"u8, client.MessagesIn);
            json.WriteNumber("messages_out"u8, client.MessagesOut);
            json.WriteBoolean("connected"u8, client.Connected);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        return End(replyTo);
    }
}
