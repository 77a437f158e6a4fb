using System.Net.Sockets;
using System.Text;
using Hydra.Cluster.State;

namespace Hydra.Cluster.Direct;

/// <summary>What a <see cref="NatsSession"/> hands on, on the loop thread, as it reads.</summary>
internal interface INatsReceiver
{
    /// <summary>A message on subscription <paramref name="sid"/>; the spans are lent for the call.</summary>
    void OnMsg(int sid, ReadOnlySpan<byte> replyTo, ReadOnlySpan<byte> payload);

    /// <summary>The server's INFO (again): its JSON, lent for the call.</summary>
    void OnInfo(ReadOnlySpan<byte> json);

    /// <summary>The server's -ERR, in its words.</summary>
    void OnError(string text);
}

/// <summary>
/// A connected NATS socket served from the router's loop thread: reads what has come (until the
/// socket would block) and hands each command on in place; writes go into one buffer that is
/// sent, in as few system calls as it takes, when <see cref="Send"/> is called. No thread and no
/// copy sit between NATS and the routing rules. Loop thread only.
/// </summary>
internal sealed class NatsSession(Socket socket, INatsReceiver receiver, ReadOnlySpan<byte> alreadyRead) : IDisposable
{
    private readonly Dictionary<string, byte[]> _subjects = new(StringComparer.Ordinal); // subjects as bytes, made once
    private byte[] _in = Seeded(alreadyRead);
    private int _inStart;
    private int _inEnd = alreadyRead.Length;
    // Room for what may wait for the socket (the node stops at DirectFederation's 2 MB backlog) and
    // one message of the largest NATS takes: it never has to grow while routing.
    private byte[] _out = new byte[4 * 1024 * 1024];
    private int _outStart;
    private int _outEnd;

    public Socket Socket => socket;

    /// <summary>Bytes written and not yet taken by the socket.</summary>
    public int Pending => _outEnd - _outStart;

    /// <summary>PINGs sent and not answered yet.</summary>
    public int PingsOut { get; set; }

    /// <summary>Why the connection cannot go on, once it cannot; null while it can.</summary>
    public string? Failed { get; private set; }

    /// <summary>The read buffer, starting with what the handshake read past its end.</summary>
    private static byte[] Seeded(ReadOnlySpan<byte> bytes)
    {
        var buffer = new byte[Math.Max(256 * 1024, bytes.Length * 2)];
        bytes.CopyTo(buffer);
        return buffer;
    }

    /// <summary>Reads until the socket would block, handing on every whole command. False when the connection is gone (<see cref="Failed"/> says why).</summary>
    public bool Read()
    {
        while (Failed is null)
        {
            Dispatch();
            if (_inEnd == _in.Length)
            {
                MakeRoomToRead();
            }
            var read = socket.Receive(_in.AsSpan(_inEnd), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }
            if (error != SocketError.Success || read == 0)
            {
                Failed = error == SocketError.Success ? "the server closed the connection" : $"reading failed: {error}";
                return false;
            }
            _inEnd += read;
        }
        return false;
    }

    private void Dispatch()
    {
        while (_inStart < _inEnd)
        {
            var used = NatsWire.TryRead(_in.AsSpan(_inStart, _inEnd - _inStart), out var command);
            if (used == 0)
            {
                return;
            }
            if (used < 0)
            {
                Failed = "the server sent something that is not NATS";
                return;
            }
            _inStart += used;
            switch (command.Op)
            {
                case NatsOp.Msg:
                    receiver.OnMsg(command.Sid, command.ReplyTo, command.Body);
                    break;
                case NatsOp.Ping:
                    Write(NatsWire.Pong);
                    break;
                case NatsOp.Pong:
                    PingsOut = 0;
                    break;
                case NatsOp.Info:
                    receiver.OnInfo(command.Body);
                    break;
                case NatsOp.Err:
                    receiver.OnError(Encoding.UTF8.GetString(command.Body));
                    break;
            }
        }
        _inStart = _inEnd = 0;
    }

    /// <summary>Moves what is left of a command to the front, or, for one larger than the buffer (a big message), doubles it.</summary>
    private void MakeRoomToRead()
    {
        var left = _inEnd - _inStart;
        var target = _inStart > 0 ? _in : new byte[_in.Length * 2];
        _in.AsSpan(_inStart, left).CopyTo(target);
        (_in, _inStart, _inEnd) = (target, 0, left);
    }

    /// <summary>PUB <paramref name="subject"/>, with the node's <paramref name="message"/> written straight into the buffer.</summary>
    public void Publish(string subject, OutgoingMessage message)
    {
        var subjectBytes = Bytes(subject);
        var length = message.Length;
        var to = Reserve(NatsWire.PubLineLength(subjectBytes.Length, 0) + length + 2);
        var at = NatsWire.WritePubLine(to, subjectBytes, default, length);
        message.WriteTo(to.Slice(at, length));
        NatsWire.Crlf.CopyTo(to[(at + length)..]);
        _outEnd += at + length + 2;
    }

    public void Publish(string subject, string? replyTo, ReadOnlySpan<byte> payload)
    {
        var subjectBytes = Bytes(subject);
        var replyBytes = replyTo is null ? [] : Bytes(replyTo);
        var to = Reserve(NatsWire.PubLineLength(subjectBytes.Length, replyBytes.Length) + payload.Length + 2);
        var at = NatsWire.WritePubLine(to, subjectBytes, replyBytes, payload.Length);
        payload.CopyTo(to[at..]);
        NatsWire.Crlf.CopyTo(to[(at + payload.Length)..]);
        _outEnd += at + payload.Length + 2;
    }

    public void Subscribe(string subject, int sid) => Write(NatsWire.Sub(subject, sid));

    public void Ping()
    {
        PingsOut++;
        Write(NatsWire.Ping);
    }

    /// <summary>Hands the socket what is written, until it would block (the rest goes on a later call). False when the connection is gone.</summary>
    public bool Send()
    {
        while (Failed is null && _outStart < _outEnd)
        {
            var sent = socket.Send(_out.AsSpan(_outStart, _outEnd - _outStart), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }
            if (error != SocketError.Success)
            {
                Failed = $"writing failed: {error}";
                return false;
            }
            _outStart += sent;
        }
        if (_outStart == _outEnd)
        {
            _outStart = _outEnd = 0;
        }
        return Failed is null;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _outEnd += bytes.Length;
    }

    /// <summary>Room for <paramref name="length"/> bytes at the end of the buffer: what was sent is dropped from the front first, and the buffer grows if need be.</summary>
    private Span<byte> Reserve(int length)
    {
        if (_outEnd + length > _out.Length)
        {
            var left = _outEnd - _outStart;
            var target = left + length <= _out.Length / 2 ? _out : new byte[Math.Max(_out.Length * 2, left + length)];
            _out.AsSpan(_outStart, left).CopyTo(target);
            (_out, _outStart, _outEnd) = (target, 0, left);
        }
        return _out.AsSpan(_outEnd, length);
    }

    private byte[] Bytes(string subject)
    {
        if (!_subjects.TryGetValue(subject, out var bytes))
        {
            _subjects[subject] = bytes = Encoding.ASCII.GetBytes(subject);
        }
        return bytes;
    }

    public void Dispose() => socket.Dispose();
}
