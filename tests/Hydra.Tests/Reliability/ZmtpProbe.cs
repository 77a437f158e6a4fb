using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Speaks just enough ZMTP 3.0 over a plain TCP socket to announce a frame of any size
/// without sending its body, so a test can see the router refuse it from the header alone.
/// </summary>
internal sealed class ZmtpProbe : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream? _stream;

    public async Task ConnectAsDealerAsync(int port, CancellationToken cancellationToken)
    {
        await _tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
        _stream = _tcp.GetStream();
        var greeting = new byte[64];
        greeting[0] = 0xFF;
        greeting[9] = 0x7F;
        greeting[10] = 3; // version 3.0
        Encoding.ASCII.GetBytes("NULL").CopyTo(greeting, 12);
        await _stream.WriteAsync(greeting, cancellationToken);
        await _stream.WriteAsync(ReadyCommand(), cancellationToken);
    }

    /// <summary>Sends only the header of a single-part message of <paramref name="size"/> bytes, plus a few body bytes.</summary>
    public async Task AnnounceFrameAsync(long size, CancellationToken cancellationToken)
    {
        var header = new byte[9];
        header[0] = 0x02; // long frame, last part
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(1), size);
        await _stream!.WriteAsync(header, cancellationToken);
        await _stream.WriteAsync(new byte[1024], cancellationToken);
    }

    /// <summary>Reads (and ignores) what the router sends until it closes the connection; false if it is still open at the deadline.</summary>
    public async Task<bool> ClosedByPeerAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var buffer = new byte[4096];
        try
        {
            while (await _stream!.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true; // reset by the peer
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _tcp.Dispose();

    private static byte[] ReadyCommand()
    {
        var body = new List<byte> { 5 };
        body.AddRange("READY"u8.ToArray());
        AddProperty(body, "Socket-Type", "DEALER");
        AddProperty(body, "Identity", "");
        return [0x04, (byte)body.Count, .. body];
    }

    private static void AddProperty(List<byte> body, string name, string value)
    {
        body.Add((byte)name.Length);
        body.AddRange(Encoding.ASCII.GetBytes(name));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        body.AddRange(length);
        body.AddRange(Encoding.ASCII.GetBytes(value));
    }
}
