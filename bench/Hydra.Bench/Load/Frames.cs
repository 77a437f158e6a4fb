using System.Text;

namespace Hydra.Bench.Load;

/// <summary>
/// Builds benchmark frames (valid Hydra messages) and reads the sequence number back.
/// The number is a fixed-width string so it can be patched in place without re-encoding,
/// and is found by a key search on receipt because the Python router re-serialises the
/// JSON with its own spacing.
/// </summary>
internal static class Frames
{
    public const int SeqDigits = 10;
    private static ReadOnlySpan<byte> SeqKey => "\"seq\""u8;

    /// <summary>A frame of about <paramref name="size"/> bytes from <paramref name="sender"/> to <paramref name="target"/>.</summary>
    public static byte[] Build(string sender, string target, int size, out int seqOffset)
    {
        var empty = Json(sender, target, "");
        var pad = new string('x', Math.Max(0, size - Encoding.UTF8.GetByteCount(empty)));
        var frame = Encoding.UTF8.GetBytes(Json(sender, target, pad));
        seqOffset = frame.AsSpan().IndexOf("\"seq\":\""u8) + 7;
        return frame;
    }

    /// <summary>A heartbeat frame as a peer sends it.</summary>
    public static byte[] Heartbeat(string sender) => Encoding.UTF8.GetBytes(
        $"{{\"sender\":\"{sender}\",\"target\":\"HydraRouter\",\"method\":\"heartbeat\",\"payload\":{{}},\"protocol_version\":1}}");

    /// <summary>A ping to the router (every router under test answers it).</summary>
    public static byte[] Ping(string sender) => Encoding.UTF8.GetBytes(
        $"{{\"sender\":\"{sender}\",\"target\":\"HydraRouter\",\"method\":\"ping\",\"payload\":{{}},\"protocol_version\":1}}");

    public static void WriteSeq(Span<byte> frame, int seqOffset, long seq)
    {
        var digits = frame.Slice(seqOffset, SeqDigits);
        for (var i = SeqDigits - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (seq % 10));
            seq /= 10;
        }
    }

    /// <summary>
    /// A pong from the router: the answer to a handshake ping. The handshake resends its ping
    /// until answered, so on a loaded machine a second pong may arrive once traffic has started;
    /// it is not a load message and must not be counted as one (or as an error).
    /// </summary>
    public static bool IsRouterPong(ReadOnlySpan<byte> frame) =>
        frame.IndexOf("\"HydraRouter\""u8) >= 0 && frame.IndexOf("\"pong\""u8) >= 0; // with or without Python's spaces

    /// <summary>The sequence number in a received frame, or -1 when there is none.</summary>
    public static long ReadSeq(ReadOnlySpan<byte> frame)
    {
        var key = frame.IndexOf(SeqKey);
        if (key < 0)
        {
            return -1;
        }
        var rest = frame[(key + SeqKey.Length)..];
        var open = rest.IndexOf((byte)'"');
        if (open < 0 || rest.Length < open + 1 + SeqDigits)
        {
            return -1;
        }
        long seq = 0;
        foreach (var b in rest.Slice(open + 1, SeqDigits))
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }
            seq = (seq * 10) + (b - '0');
        }
        return seq;
    }

    private static string Json(string sender, string target, string pad) =>
        $"{{\"sender\":\"{sender}\",\"target\":\"{target}\",\"method\":\"bench\",\"payload\":{{\"seq\":\"{new string('0', SeqDigits)}\",\"pad\":\"{pad}\"}},\"protocol_version\":1}}";
}
