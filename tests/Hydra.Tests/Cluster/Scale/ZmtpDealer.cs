using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hydra.Tests.Cluster.Scale;

/// <summary>
/// A DEALER that speaks ZMTP 3.0 (NULL mechanism) itself over one TCP socket, for tests with
/// thousands of peers in one process. Each connection costs one file descriptor (a NetMQ socket
/// costs three: its TCP connection and a loopback pair for its mailbox; a libzmq socket two), and
/// no poller: reads are .NET's own asynchronous socket reads. Single-part messages out;
/// multi-part messages in are handed over by their last part (the router answers a bare frame
/// with a bare frame).
/// </summary>
internal sealed class ZmtpDealer : IDisposable
{
    private const byte More = 0x01;
    private const byte Long = 0x02;
    private const byte Command = 0x04;

    private readonly Socket _socket;
    private readonly Action<ReadOnlyMemory<byte>> _onMessage;
    private readonly Lock _writing = new();
    private byte[] _buffer = new byte[2048];
    private int _start;
    private int _end;

    private ZmtpDealer(Socket socket, Action<ReadOnlyMemory<byte>> onMessage)
    {
        _socket = socket;
        _onMessage = onMessage;
    }

    /// <summary>Ends (without throwing) when the connection closes, from either side.</summary>
    public Task Reading { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Connects, greets and waits for the router's READY; then reads on its own, handing each
    /// message to <paramref name="onMessage"/> (on a thread-pool thread, one message at a time).
    /// </summary>
    public static async Task<ZmtpDealer> ConnectAsync(int port, byte[] identity, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var dealer = new ZmtpDealer(socket, onMessage);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            await socket.SendAsync(Greeting(identity), SocketFlags.None, cancellationToken);
            await dealer.HandshakeAsync(cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        dealer.Reading = Task.Run(dealer.ReadAsync, CancellationToken.None);
        return dealer;
    }

    /// <summary>Sends one single-part message; false when the connection is gone.</summary>
    public bool TrySend(ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[9];
        int headLength;
        if (body.Length <= byte.MaxValue)
        {
            head[0] = 0;
            head[1] = (byte)body.Length;
            headLength = 2;
        }
        else
        {
            head[0] = Long;
            BinaryPrimitives.WriteInt64BigEndian(head[1..], body.Length);
            headLength = 9;
        }
        try
        {
            lock (_writing)
            {
                SendAll(head[..headLength]);
                SendAll(body);
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Closes the connection (the router sees it end, as when a peer process exits).</summary>
    public void Dispose() => _socket.Dispose();

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes)..];
        }
    }

    /// <summary>The router's greeting (64 bytes) and its READY command.</summary>
    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        while (_end < 64)
        {
            await FillAsync(cancellationToken);
        }
        if (_buffer[0] != 0xFF || _buffer[9] != 0x7F || _buffer[10] < 3)
        {
            throw new IOException("not a ZMTP 3 greeting");
        }
        _start = 64;
        while (true)
        {
            if (TryFrame(out var flags, out var body))
            {
                if ((flags & Command) != 0 && body.Length >= 6 && body.Span[1..6].SequenceEqual("READY"u8))
                {
                    return;
                }
                throw new IOException("expected READY from the router");
            }
            await FillAsync(cancellationToken);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                while (TryFrame(out var flags, out var body))
                {
                    if ((flags & (Command | More)) == 0)
                    {
                        _onMessage(body);
                    }
                    // a command (none is expected after READY), or a leading part (an envelope): skipped
                }
                if (!await FillAsync(CancellationToken.None))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // closed: by us (a move), or by the router
        }
    }

    /// <summary>Reads more; false at the end of the stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            return false;
        }
        _end += read;
        return true;
    }

    /// <summary>The next whole frame in the buffer, if there is one (its body stays valid until the next read).</summary>
    private bool TryFrame(out byte flags, out ReadOnlyMemory<byte> body)
    {
        body = default;
        flags = 0;
        var available = _end - _start;
        if (available < 2)
        {
            return false;
        }
        flags = _buffer[_start];
        var headLength = (flags & Long) != 0 ? 9 : 2;
        if (available < headLength)
        {
            return false;
        }
        var length = (flags & Long) != 0 ? BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(_start + 1)) : _buffer[_start + 1];
        if (length > 64 * 1024 * 1024)
        {
            throw new IOException($"a frame of {length} bytes");
        }
        if (available < headLength + length)
        {
            if (headLength + length > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)Math.Max(_buffer.Length * 2, headLength + length));
            }
            return false;
        }
        body = _buffer.AsMemory(_start + headLength, (int)length);
        _start += headLength + (int)length;
        return true;
    }

    /// <summary>Our greeting (ZMTP 3.0, NULL, as client) and READY (DEALER, with the identity).</summary>
    private static byte[] Greeting(byte[] identity)
    {
        var bytes = new List<byte>(128);
        var greeting = new byte[64];
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        "NULL"u8.CopyTo(greeting.AsSpan(12));
        bytes.AddRange(greeting);
        var ready = new List<byte> { 5 };
        ready.AddRange("READY"u8.ToArray());
        Property(ready, "Socket-Type", Encoding.ASCII.GetBytes("DEALER"));
        Property(ready, "Identity", identity);
        bytes.Add(Command);
        bytes.Add((byte)ready.Count);
        bytes.AddRange(ready);
        return [.. bytes];
    }

    private static void Property(List<byte> body, string name, byte[] value)
    {
        body.Add((byte)name.Length);
        body.AddRange(Encoding.ASCII.GetBytes(name));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        body.AddRange(length);
        body.AddRange(value);
    }
}
