using System.Buffers.Binary;
using System.Text;

namespace Hydra.Cluster.State;

/// <summary>What a message between routers is (docs/cluster.md, "Link messages").</summary>
internal enum MessageKind : byte
{
    /// <summary>"I am here", to every router, every presence interval; or a goodbye.</summary>
    Presence = 1,
    /// <summary>Entries of the sender's stream to one router, with its acknowledgement of that router's stream.</summary>
    Data = 2,
    /// <summary>"Send your stream again from this sequence", or, with 0, "that session is closed here: start a new one".</summary>
    Nak = 3,
}

/// <summary>One entry of a link's stream.</summary>
internal enum EntryKind : byte
{
    /// <summary>A peer's frame for a peer on the receiving router: target, then the frame untouched.</summary>
    Frame = 1,
    /// <summary>A frame passed on by a router that no longer holds its target: the router it came from, hops, target, frame.</summary>
    Forwarded = 2,
    /// <summary>A frame of the receiver's peer was not delivered: its session and sequence in the receiver's stream (0 if passed on), sender, id, code, detail.</summary>
    Refusal = 3,
    /// <summary>A peer connected to the sending router holds an identity now: identity, stamp, key, bound since.</summary>
    Claim = 4,
    /// <summary>The sending router no longer holds an identity.</summary>
    Release = 5,
    /// <summary>An identity is bound to a key cluster-wide: identity, key, since, router.</summary>
    Binding = 6,
    /// <summary>A full list of the sending router's names follows; names not in it are no longer held there.</summary>
    SnapshotBegin = 7,
    /// <summary>The end of that list.</summary>
    SnapshotEnd = 8,
    /// <summary>A frame the receiver has already answered (its refusal came back): a copy sent again is skipped.</summary>
    Answered = 9,
}

/// <summary>The fixed part of every message: who sends it, to which incarnation of the receiver.</summary>
internal ref struct MessageHeader
{
    public MessageKind Kind;
    public ReadOnlySpan<byte> From;
    public ulong FromIncarnation;
    /// <summary>The receiver's incarnation as the sender knows it; 0 for presence (to everyone).</summary>
    public ulong ToIncarnation;
}

/// <summary>A data message's stream fields (after the header).</summary>
internal struct DataFields
{
    public ulong Session;
    public long FirstSeq;
    public int Count;
    /// <summary>The sender's newest sequence in <see cref="Session"/> when it wrote the acknowledgement below.</summary>
    public long LastSeq;
    /// <summary>The receiver's session being acknowledged (0: none).</summary>
    public ulong AckSession;
    /// <summary>Entries of that session the sender has handled, all up to this one.</summary>
    public long AckUpTo;
}

/// <summary>
/// Reads and writes the bytes routers exchange. Everything is length-checked: a message that does
/// not parse is refused whole (false), never half read, and never throws.
/// </summary>
internal static class LinkWire
{
    public const byte Magic = (byte)'H';
    public const byte Version = 1;

    /// <summary>Bytes of an entry's kind and length, before its body.</summary>
    public const int EntryOverhead = 5;

    public const int DataFieldsLength = 8 + 8 + 4 + 8 + 8 + 8;

    public static int HeaderLength(int fromLength) => 3 + 1 + fromLength + 8 + 8;

    public static int WriteHeader(Span<byte> to, MessageKind kind, ReadOnlySpan<byte> from, ulong fromIncarnation, ulong toIncarnation)
    {
        to[0] = Magic;
        to[1] = Version;
        to[2] = (byte)kind;
        to[3] = (byte)from.Length;
        from.CopyTo(to[4..]);
        var at = 4 + from.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(to[at..], fromIncarnation);
        BinaryPrimitives.WriteUInt64LittleEndian(to[(at + 8)..], toIncarnation);
        return at + 16;
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> message, out MessageHeader header, out ReadOnlySpan<byte> rest)
    {
        header = default;
        rest = default;
        if (message.Length < 4 || message[0] != Magic || message[1] != Version)
        {
            return false;
        }
        int fromLength = message[3];
        if (fromLength == 0 || message.Length < HeaderLength(fromLength))
        {
            return false;
        }
        header.Kind = (MessageKind)message[2];
        header.From = message.Slice(4, fromLength);
        var at = 4 + fromLength;
        header.FromIncarnation = BinaryPrimitives.ReadUInt64LittleEndian(message[at..]);
        header.ToIncarnation = BinaryPrimitives.ReadUInt64LittleEndian(message[(at + 8)..]);
        rest = message[(at + 16)..];
        return true;
    }

    public static void WriteData(Span<byte> to, in DataFields data)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(to, data.Session);
        BinaryPrimitives.WriteInt64LittleEndian(to[8..], data.FirstSeq);
        BinaryPrimitives.WriteInt32LittleEndian(to[16..], data.Count);
        BinaryPrimitives.WriteInt64LittleEndian(to[20..], data.LastSeq);
        BinaryPrimitives.WriteUInt64LittleEndian(to[28..], data.AckSession);
        BinaryPrimitives.WriteInt64LittleEndian(to[36..], data.AckUpTo);
    }

    public static bool TryReadData(ReadOnlySpan<byte> body, out DataFields data, out ReadOnlySpan<byte> entries)
    {
        data = default;
        entries = default;
        if (body.Length < DataFieldsLength)
        {
            return false;
        }
        data.Session = BinaryPrimitives.ReadUInt64LittleEndian(body);
        data.FirstSeq = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        data.Count = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        data.LastSeq = BinaryPrimitives.ReadInt64LittleEndian(body[20..]);
        data.AckSession = BinaryPrimitives.ReadUInt64LittleEndian(body[28..]);
        data.AckUpTo = BinaryPrimitives.ReadInt64LittleEndian(body[36..]);
        entries = body[DataFieldsLength..];
        return data.Count >= 0 && data.FirstSeq >= 1 && data.LastSeq >= 0 && data.AckUpTo >= 0;
    }

    /// <summary>The next entry of <paramref name="entries"/>; false at the end, or when the rest is not a whole entry.</summary>
    public static bool TryReadEntry(ref ReadOnlySpan<byte> entries, out EntryKind kind, out ReadOnlySpan<byte> body)
    {
        kind = default;
        body = default;
        if (entries.Length < EntryOverhead)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(entries[1..]);
        if (length > (uint)(entries.Length - EntryOverhead))
        {
            return false;
        }
        kind = (EntryKind)entries[0];
        body = entries.Slice(EntryOverhead, (int)length);
        entries = entries[(EntryOverhead + (int)length)..];
        return true;
    }

    public static void WriteEntryHead(Span<byte> to, EntryKind kind, int bodyLength)
    {
        to[0] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(to[1..], (uint)bodyLength);
    }

    public const int PresenceLength = 4 + 1;

    public static void WritePresence(Span<byte> to, int clients, bool stopping)
    {
        BinaryPrimitives.WriteInt32LittleEndian(to, clients);
        to[4] = stopping ? (byte)1 : (byte)0;
    }

    public static bool TryReadPresence(ReadOnlySpan<byte> body, out int clients, out bool stopping)
    {
        clients = 0;
        stopping = false;
        if (body.Length < PresenceLength)
        {
            return false;
        }
        clients = BinaryPrimitives.ReadInt32LittleEndian(body);
        stopping = body[4] != 0;
        return true;
    }

    public const int NakLength = 16;

    public static void WriteNak(Span<byte> to, ulong session, long expected)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(to, session);
        BinaryPrimitives.WriteInt64LittleEndian(to[8..], expected);
    }

    public static bool TryReadNak(ReadOnlySpan<byte> body, out ulong session, out long expected)
    {
        session = 0;
        expected = 0;
        if (body.Length < NakLength)
        {
            return false;
        }
        session = BinaryPrimitives.ReadUInt64LittleEndian(body);
        expected = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        return expected >= 0;
    }
}

/// <summary>
/// Reads the fields of an entry body in order: short byte strings (u16 length), numbers. Each read
/// fails (false) rather than run past the end.
/// </summary>
internal ref struct FieldReader(ReadOnlySpan<byte> body)
{
    private ReadOnlySpan<byte> _rest = body;

    public bool TryBytes(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_rest.Length < 2)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (_rest.Length < 2 + length)
        {
            return false;
        }
        value = _rest.Slice(2, length);
        _rest = _rest[(2 + length)..];
        return true;
    }

    public bool TryString(out string value)
    {
        var ok = TryBytes(out var bytes);
        value = ok ? Encoding.UTF8.GetString(bytes) : "";
        return ok;
    }

    public bool TryInt64(out long value)
    {
        value = 0;
        if (_rest.Length < 8)
        {
            return false;
        }
        value = BinaryPrimitives.ReadInt64LittleEndian(_rest);
        _rest = _rest[8..];
        return true;
    }

    public bool TryByte(out byte value)
    {
        value = 0;
        if (_rest.IsEmpty)
        {
            return false;
        }
        value = _rest[0];
        _rest = _rest[1..];
        return true;
    }

    /// <summary>Whatever is left (a frame, which ends an entry).</summary>
    public readonly ReadOnlySpan<byte> Rest => _rest;
}

/// <summary>Writes entry body fields in the order <see cref="FieldReader"/> reads them.</summary>
internal ref struct FieldWriter(Span<byte> to)
{
    private readonly Span<byte> _to = to;

    public int Written { get; private set; }

    public static int SizeOf(ReadOnlySpan<byte> bytes) => 2 + bytes.Length;

    public static int SizeOf(string? text) => 2 + (text is null ? 0 : Encoding.UTF8.GetByteCount(text));

    public void Bytes(ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_to[Written..], (ushort)value.Length);
        value.CopyTo(_to[(Written + 2)..]);
        Written += 2 + value.Length;
    }

    public void String(string? value)
    {
        var length = value is null ? 0 : Encoding.UTF8.GetBytes(value, _to[(Written + 2)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(_to[Written..], (ushort)length);
        Written += 2 + length;
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_to[Written..], value);
        Written += 8;
    }

    public void Byte(byte value)
    {
        _to[Written] = value;
        Written += 1;
    }

    public void Rest(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_to[Written..]);
        Written += value.Length;
    }
}
