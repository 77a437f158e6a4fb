namespace Hydra.Cluster.State;

/// <summary>
/// The one message the node is sending right now: filled in, handed to <see cref="IClusterOutput.Publish"/>,
/// written out there, and filled in again for the next. Entries are not copied here: they are
/// written straight from the link's log into whatever buffer the transport writes into.
/// </summary>
internal sealed class OutgoingMessage(byte[] from, ulong incarnation)
{
    private MessageKind _kind;
    private ulong _to;
    private DataFields _data;
    private Link? _entries;
    private int _clients;
    private bool _stopping;
    private ulong _nakSession;
    private long _nakExpected;

    /// <summary>Bytes <see cref="WriteTo"/> writes.</summary>
    public int Length => LinkWire.HeaderLength(from.Length) + _kind switch
    {
        MessageKind.Presence => LinkWire.PresenceLength,
        MessageKind.Nak => LinkWire.NakLength,
        _ => LinkWire.DataFieldsLength + EntriesLength,
    };

    private int EntriesLength => _data.Count == 0 ? 0 : _entries!.Log.Range(_data.FirstSeq, _data.FirstSeq + _data.Count).Length;

    public OutgoingMessage Presence(int clients, bool stopping)
    {
        (_kind, _to, _clients, _stopping) = (MessageKind.Presence, 0, clients, stopping);
        return this;
    }

    public OutgoingMessage Data(Link link, in DataFields data)
    {
        (_kind, _to, _data, _entries) = (MessageKind.Data, link.Incarnation, data, link);
        return this;
    }

    public OutgoingMessage Nak(Link link, ulong session, long expected)
    {
        (_kind, _to, _nakSession, _nakExpected) = (MessageKind.Nak, link.Incarnation, session, expected);
        return this;
    }

    public void WriteTo(Span<byte> to)
    {
        var at = LinkWire.WriteHeader(to, _kind, from, incarnation, _to);
        switch (_kind)
        {
            case MessageKind.Presence:
                LinkWire.WritePresence(to[at..], _clients, _stopping);
                break;
            case MessageKind.Nak:
                LinkWire.WriteNak(to[at..], _nakSession, _nakExpected);
                break;
            default:
                LinkWire.WriteData(to[at..], _data);
                if (_data.Count > 0)
                {
                    _entries!.Log.Range(_data.FirstSeq, _data.FirstSeq + _data.Count).CopyTo(to[(at + LinkWire.DataFieldsLength)..]);
                }
                break;
        }
    }
}
