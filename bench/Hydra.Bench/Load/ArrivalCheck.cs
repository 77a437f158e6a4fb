namespace Hydra.Bench.Load;

/// <summary>
/// What a receiver checks on every arrival, for both load generators (NetMQ and libzmq): the
/// sequence number against the one expected (gaps, duplicates, reordering) and, where the router
/// forwards bytes untouched, the whole frame against the one sent, still in its ring slot.
/// </summary>
internal sealed class ArrivalCheck(byte[][] ring, bool byteExact)
{
    private long _expected;

    public long Received { get; private set; }
    public long Gaps { get; private set; }
    public long OutOfOrder { get; private set; }
    public long Corrupt { get; private set; }

    public void Check(ReadOnlySpan<byte> frame)
    {
        var seq = Frames.ReadSeq(frame);
        Received++;
        // Frame seq is still in its ring slot: the slot is rewritten only after seq has arrived.
        if (byteExact && (seq < 0 || !frame.SequenceEqual(ring[seq % ring.Length])))
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
