using System.Globalization;

namespace Hydra.Cluster;

/// <summary>
/// Who sent each cross-router message, by the reply subject it went out with. NATS answers a
/// publish to a subject nobody listens to with a "no responders" status on its reply subject,
/// and says nothing else; the reply subject must therefore name the message. A ring of
/// <see cref="Capacity"/> slots, each with a subject made once, keeps that free of allocation:
/// a slot is reused after <see cref="Capacity"/> more sends. Loop thread only.
/// </summary>
internal sealed class ReplySlots(string inboxPrefix, int capacity = ReplySlots.Capacity)
{
    /// <summary>
    /// Sends between a message and the "no responders" for it before its slot is reused. At 300,000
    /// cross-router messages a second that is 110 ms; answers come back within a millisecond or so.
    /// Each slot, once used, keeps its subject and a small buffer: about 8 MB at most per router.
    /// </summary>
    public const int Capacity = 32_768;

    private readonly string?[] _subjects = new string?[capacity];
    private readonly Slot[] _slots = new Slot[capacity];
    private int _next;

    /// <summary>Remembers a message's sender, id and target; returns the reply subject to send it with, and its slot.</summary>
    public string Take(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, ReadOnlySpan<byte> target, out int index)
    {
        index = _next;
        _next = _next + 1 == capacity ? 0 : _next + 1;
        (_slots[index] ??= new Slot()).Fill(sender, id, target);
        return _subjects[index] ??= inboxPrefix + index.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>What was sent with slot <paramref name="index"/>; false when the slot was never used.</summary>
    public bool TryRead(int index, out ReadOnlySpan<byte> sender, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> target)
    {
        if (index < 0 || index >= capacity || _slots[index] is not { } slot)
        {
            sender = id = target = default;
            return false;
        }
        slot.Read(out sender, out id, out target);
        return true;
    }

    /// <summary>One message's sender, id and target, in one buffer that grows as needed (rarely: identities are short).</summary>
    private sealed class Slot
    {
        private byte[] _bytes = new byte[96];
        private int _sender;
        private int _id;
        private int _target;

        public void Fill(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, ReadOnlySpan<byte> target)
        {
            var length = sender.Length + id.Length + target.Length;
            if (length > _bytes.Length)
            {
                _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
            }
            sender.CopyTo(_bytes);
            id.CopyTo(_bytes.AsSpan(sender.Length));
            target.CopyTo(_bytes.AsSpan(sender.Length + id.Length));
            (_sender, _id, _target) = (sender.Length, id.Length, target.Length);
        }

        public void Read(out ReadOnlySpan<byte> sender, out ReadOnlySpan<byte> id, out ReadOnlySpan<byte> target)
        {
            sender = _bytes.AsSpan(0, _sender);
            id = _bytes.AsSpan(_sender, _id);
            target = _bytes.AsSpan(_sender + _id, _target);
        }
    }
}
