namespace Hydra.Cluster.State;

/// <summary>
/// The entries of a link's stream that the other router has not confirmed yet, in sequence order,
/// as the bytes they go out as (kind, length, body), back to back: a batch of them is one slice.
/// Confirmed entries are dropped from the front; the buffer is compacted or doubled when the end
/// is reached, so in steady state nothing is allocated. Loop thread only.
/// </summary>
internal sealed class LinkLog
{
    private byte[] _bytes = new byte[64 * 1024];
    private long _base;  // absolute position of _bytes[0]
    private long _start; // absolute position of the oldest entry kept
    private long _end;   // absolute position after the newest
    private long[] _positions = new long[1024]; // absolute start of entry seq, at seq & mask

    /// <summary>The oldest entry kept (equals <see cref="NextSeq"/> when none is).</summary>
    public long FirstSeq { get; private set; } = 1;

    /// <summary>The sequence the next entry gets.</summary>
    public long NextSeq { get; private set; } = 1;

    public int Count => (int)(NextSeq - FirstSeq);

    /// <summary>Bytes of the entries kept.</summary>
    public long Bytes => _end - _start;

    /// <summary>Adds an entry and returns the place to write its <paramref name="bodyLength"/> bytes of body.</summary>
    public Span<byte> Append(EntryKind kind, int bodyLength, out long seq)
    {
        var size = LinkWire.EntryOverhead + bodyLength;
        MakeRoom(size);
        if (Count == _positions.Length)
        {
            GrowIndex();
        }
        seq = NextSeq++;
        _positions[seq & (_positions.Length - 1)] = _end;
        var at = (int)(_end - _base);
        LinkWire.WriteEntryHead(_bytes.AsSpan(at), kind, bodyLength);
        _end += size;
        return _bytes.AsSpan(at + LinkWire.EntryOverhead, bodyLength);
    }

    /// <summary>Drops every entry up to <paramref name="seq"/>: the other router has them.</summary>
    public void ConfirmUpTo(long seq)
    {
        if (seq < FirstSeq)
        {
            return;
        }
        var upTo = Math.Min(seq, NextSeq - 1);
        FirstSeq = upTo + 1;
        _start = FirstSeq == NextSeq ? _end : Position(FirstSeq);
    }

    /// <summary>Forgets everything and starts again at sequence 1 (a new session).</summary>
    public void Clear()
    {
        FirstSeq = NextSeq = 1;
        _base = _start = _end = 0;
    }

    /// <summary>The bytes of entries [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public ReadOnlySpan<byte> Range(long from, long to) =>
        _bytes.AsSpan((int)(Position(from) - _base), (int)(PositionOrEnd(to) - Position(from)));

    /// <summary>How many entries from <paramref name="from"/> fit in <paramref name="maxBytes"/> (at least one, if there is one).</summary>
    public int CountFitting(long from, int maxBytes)
    {
        var start = Position(from);
        var count = 0;
        for (var seq = from; seq < NextSeq; seq++)
        {
            if (count > 0 && PositionOrEnd(seq + 1) - start > maxBytes)
            {
                break;
            }
            count++;
        }
        return count;
    }

    /// <summary>Entry <paramref name="seq"/> (kept), as its kind and body.</summary>
    public EntryKind Entry(long seq, out ReadOnlySpan<byte> body)
    {
        var bytes = Range(seq, seq + 1);
        body = bytes[LinkWire.EntryOverhead..];
        return (EntryKind)bytes[0];
    }

    /// <summary>
    /// Entry <paramref name="seq"/>, a frame, has had its answer: it is kept, in order, but never
    /// answered again. False when it had been answered already, or is not kept (confirmed, which
    /// comes after its answer; or of another session, whose frames were all answered when it ended).
    /// </summary>
    public bool TryMarkAnswered(long seq, out EntryKind kind, out ReadOnlySpan<byte> body)
    {
        kind = default;
        body = default;
        if (seq < FirstSeq || seq >= NextSeq)
        {
            return false;
        }
        kind = Entry(seq, out body);
        if (kind is not (EntryKind.Frame or EntryKind.Forwarded))
        {
            return false;
        }
        _bytes[(int)(Position(seq) - _base)] = (byte)EntryKind.Answered;
        return true;
    }

    private long Position(long seq) => _positions[seq & (_positions.Length - 1)];

    private long PositionOrEnd(long seq) => seq >= NextSeq ? _end : Position(seq);

    private void MakeRoom(int size)
    {
        if (_end - _base + size <= _bytes.Length)
        {
            return;
        }
        var live = (int)(_end - _start);
        var target = live + size <= _bytes.Length / 2 ? _bytes : new byte[Math.Max(_bytes.Length * 2, live + size)];
        _bytes.AsSpan((int)(_start - _base), live).CopyTo(target);
        _bytes = target;
        _base = _start;
    }

    private void GrowIndex()
    {
        var positions = new long[_positions.Length * 2];
        for (var seq = FirstSeq; seq < NextSeq; seq++)
        {
            positions[seq & (positions.Length - 1)] = Position(seq);
        }
        _positions = positions;
    }
}
