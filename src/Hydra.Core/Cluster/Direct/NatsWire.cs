using System.Buffers.Text;
using System.Text;

namespace Hydra.Cluster.Direct;

/// <summary>What the server sent (NATS client protocol, https://docs.nats.io/reference/reference-protocols/nats-protocol).</summary>
internal enum NatsOp : byte
{
    Msg,
    Ping,
    Pong,
    Info,
    Ok,
    Err,
}

/// <summary>One command from the server, pointing into the bytes read.</summary>
internal ref struct NatsCommand
{
    public NatsOp Op;
    public ReadOnlySpan<byte> Subject;
    public int Sid;
    public ReadOnlySpan<byte> ReplyTo;
    /// <summary>The message's payload (MSG), the JSON (INFO), or the text (-ERR).</summary>
    public ReadOnlySpan<byte> Body;
}

/// <summary>
/// The part of the NATS client protocol a router needs: reading MSG, PING, PONG, INFO, +OK and
/// -ERR, and writing PUB, SUB, PING and PONG. Text control lines ending in CRLF; a MSG's payload
/// follows its line and ends in CRLF too. Parsing is in place: nothing is allocated per message.
/// </summary>
internal static class NatsWire
{
    /// <summary>The server's limit on a control line (its default, max_control_line).</summary>
    public const int MaxControlLine = 4096;

    public static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>
    /// Reads the command at the start of <paramref name="buffer"/>. Returns the bytes it takes;
    /// 0 when the buffer holds only part of it (read more); -1 when it is not NATS.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> buffer, out NatsCommand command)
    {
        command = default;
        var end = buffer.IndexOf(Crlf);
        if (end < 0)
        {
            return buffer.Length > MaxControlLine ? -1 : 0;
        }
        var line = buffer[..end];
        var next = end + 2;
        if (StartsWith(line, "MSG "u8))
        {
            command.Op = NatsOp.Msg;
            if (!TryReadMsgLine(line[4..], ref command, out var size))
            {
                return -1;
            }
            if (buffer.Length < next + size + 2)
            {
                return 0;
            }
            command.Body = buffer.Slice(next, size);
            return buffer.Slice(next + size, 2).SequenceEqual(Crlf) ? next + size + 2 : -1;
        }
        if (StartsWith(line, "PING"u8))
        {
            command.Op = NatsOp.Ping;
        }
        else if (StartsWith(line, "PONG"u8))
        {
            command.Op = NatsOp.Pong;
        }
        else if (StartsWith(line, "+OK"u8))
        {
            command.Op = NatsOp.Ok;
        }
        else if (StartsWith(line, "INFO "u8))
        {
            command.Op = NatsOp.Info;
            command.Body = line[5..];
        }
        else if (StartsWith(line, "-ERR"u8))
        {
            command.Op = NatsOp.Err;
            command.Body = line[4..].Trim(" '"u8);
        }
        else
        {
            return -1;
        }
        return next;
    }

    /// <summary><c>subject sid [reply-to] size</c>, space separated.</summary>
    private static bool TryReadMsgLine(ReadOnlySpan<byte> line, ref NatsCommand command, out int size)
    {
        size = 0;
        var count = 0;
        Span<int> starts = stackalloc int[4];
        Span<int> lengths = stackalloc int[4];
        for (var at = 0; at < line.Length;)
        {
            if (line[at] == (byte)' ')
            {
                at++;
                continue;
            }
            if (count == 4)
            {
                return false;
            }
            var length = line[at..].IndexOf((byte)' ');
            length = length < 0 ? line.Length - at : length;
            (starts[count], lengths[count]) = (at, length);
            count++;
            at += length;
        }
        if (count is not (3 or 4))
        {
            return false;
        }
        command.Subject = line.Slice(starts[0], lengths[0]);
        command.ReplyTo = count == 4 ? line.Slice(starts[2], lengths[2]) : default;
        return Utf8Parser.TryParse(line.Slice(starts[1], lengths[1]), out command.Sid, out var used) && used == lengths[1]
            && Utf8Parser.TryParse(line.Slice(starts[count - 1], lengths[count - 1]), out size, out used) && used == lengths[count - 1] && size >= 0;
    }

    private static bool StartsWith(ReadOnlySpan<byte> line, ReadOnlySpan<byte> op) =>
        line.Length >= op.Length && Ascii.EqualsIgnoreCase(line[..op.Length], op);

    /// <summary>Writes <c>PUB subject [reply-to] size\r\n</c>; the payload and its CRLF follow.</summary>
    public static int WritePubLine(Span<byte> to, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> replyTo, int size)
    {
        var at = Put(to, 0, "PUB "u8);
        at = Put(to, at, subject);
        if (!replyTo.IsEmpty)
        {
            to[at++] = (byte)' ';
            at = Put(to, at, replyTo);
        }
        to[at++] = (byte)' ';
        Utf8Formatter.TryFormat(size, to[at..], out var written);
        at += written;
        return Put(to, at, Crlf);
    }

    /// <summary>The most a PUB line can take for a subject and reply subject of these lengths.</summary>
    public static int PubLineLength(int subject, int replyTo) => 4 + subject + 1 + replyTo + 1 + 10 + 2;

    public static byte[] Sub(string subject, int sid) => Encoding.ASCII.GetBytes($"SUB {subject} {sid}\r\n");

    public static ReadOnlySpan<byte> Ping => "PING\r\n"u8;

    public static ReadOnlySpan<byte> Pong => "PONG\r\n"u8;

    private static int Put(Span<byte> to, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(to[at..]);
        return at + bytes.Length;
    }
}
