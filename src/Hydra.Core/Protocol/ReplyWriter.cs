using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Hydra.Protocol;

/// <summary>
/// Builds the router's own small messages (pong, heartbeat_reply, error, auth) into one reused
/// buffer, so answering does not allocate per message. Poller thread only.
/// </summary>
internal sealed class ReplyWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    public ReplyWriter() => _json = new Utf8JsonWriter(_buffer, Wire.WriterOptions);

    public void Dispose() => _json.Dispose();

    /// <summary>Starts a reply to <paramref name="identity"/>; the caller writes the payload's properties, then calls <see cref="End"/>.</summary>
    public Utf8JsonWriter Begin(ReadOnlySpan<byte> identity, string method)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        WriteStart(_json, identity, method);
        return _json;
    }

    /// <summary>Closes the payload and the message; <paramref name="replyTo"/> echoes the request's id.</summary>
    public ReadOnlySpan<byte> End(ReadOnlySpan<byte> replyTo)
    {
        WriteEnd(_json, replyTo);
        _json.Flush();
        return _buffer.WrittenSpan;
    }

    /// <summary>A router message up to the opened payload: sender HydraRouter, target, method.</summary>
    public static void WriteStart(Utf8JsonWriter json, ReadOnlySpan<byte> identity, string method)
    {
        json.WriteStartObject();
        json.WriteString(Wire.SenderKey, HydraIdentities.Router);
        if (Utf8.IsValid(identity))
        {
            json.WriteString(Wire.TargetKey, identity);
        }
        else
        {
            json.WriteString(Wire.TargetKey, IdentityText.Of(identity));
        }
        json.WriteString(Wire.MethodKey, method);
        json.WriteStartObject(Wire.PayloadKey);
    }

    /// <summary>Closes the payload, then the message, with the protocol version and <c>reply_to</c> when there is one.</summary>
    public static void WriteEnd(Utf8JsonWriter json, ReadOnlySpan<byte> replyTo)
    {
        json.WriteEndObject();
        json.WriteNumber(Wire.ProtocolVersionKey, Wire.ProtocolVersion);
        if (!replyTo.IsEmpty)
        {
            json.WriteString(Wire.ReplyToKey, replyTo);
        }
        json.WriteEndObject();
    }

    public ReadOnlySpan<byte> Error(ReadOnlySpan<byte> identity, HydraErrorCode code, string detail, ReadOnlySpan<byte> replyTo)
    {
        var json = Begin(identity, HydraMethods.Error);
        json.WriteString(ErrorMethod.CodeKeyUtf8, code.ToWire());
        json.WriteString(ErrorMethod.DetailKeyUtf8, detail);
        return End(replyTo);
    }

    public ReadOnlySpan<byte> Empty(ReadOnlySpan<byte> identity, string method, ReadOnlySpan<byte> replyTo)
    {
        Begin(identity, method);
        return End(replyTo);
    }
}
