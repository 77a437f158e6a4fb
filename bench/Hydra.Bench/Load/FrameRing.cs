namespace Hydra.Bench.Load;

/// <summary>
/// One pair's frames in flight, for both load generators (NetMQ and libzmq): a ring of one buffer
/// per in-flight message (zero-copy sends stay intact until delivered), each stamped with its
/// sequence number on the way out; and what the receiver checks on every arrival: the number
/// against the one expected (gaps, duplicates, reordering) and, where the router forwards bytes
/// untouched, the whole frame against the one sent, still in its ring slot.
/// </summary>
internal sealed class FrameRing
{
    private readonly byte[][] _ring;
    private readonly int _seqOffset;
    private readonly bool _byteExact;
    private long _expected;

    public FrameRing(string senderId, string receiverId, int size, int window, bool byteExact)
    {
        _byteExact = byteExact;
        _ring = new byte[window][];
        for (var i = 0; i < window; i++)
        {
            _ring[i] = Frames.Build(senderId, receiverId, size, out _seqOffset);
        }
    }

    /// <summary>Messages in flight at most.</summary>
    public int Window => _ring.Length;

    public long Received { get; private set; }
    public long Gaps { get; private set; }
    public long OutOfOrder { get; private set; }
    public long Corrupt { get; private set; }

    /// <summary>The frame for message <paramref name="seq"/>, its number written in.</summary>
    public byte[] Stamp(long seq)
    {
        var frame = _ring[seq % _ring.Length];
        Frames.WriteSeq(frame, _seqOffset, seq);
        return frame;
    }

    public void Check(ReadOnlySpan<byte> frame)
    {
        var seq = Frames.ReadSeq(frame);
        Received++;
        // Frame seq is still in its ring slot: the slot is rewritten only after seq has arrived.
        if (_byteExact && (seq < 0 || !frame.SequenceEqual(_ring[seq % _ring.Length])))
        {
            Corrupt++;
        }
        if (seq == _expected)
        {
            _expected++;
        }
        else if (seq > _expected)
        {
            Gaps += seq - _expected;
            _expected = seq + 1;
        }
        else
        {
            OutOfOrder++; // a duplicate, or late after a gap
        }
    }
}
