using System.Buffers.Binary;
using System.Text;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>A ZAP request (RFC 27) as libzmq 4.3 sends it for a connecting peer.</summary>
/// <param name="Domain">The server socket's ZMQ_ZAP_DOMAIN (may be empty).</param>
/// <param name="Address">The peer's IP address.</param>
/// <param name="RoutingId">In libzmq 4.3 the <em>server</em> socket's own routing id, not the client's: do not use it to identify the peer.</param>
/// <param name="Mechanism">"NULL", "PLAIN" or "CURVE".</param>
/// <param name="Credentials">For CURVE, one frame: the client's 32-byte long-term public key.</param>
internal sealed record ZapRequest(string Domain, string Address, byte[] RoutingId, string Mechanism, IReadOnlyList<byte[]> Credentials)
{
    /// <summary>The client's CURVE public key as Z85 text, or null for other mechanisms.</summary>
    public string? ClientKey => Mechanism == "CURVE" && Credentials is [{ Length: ZmqCurve.KeySize } key] ? ZmqCurve.Z85Encode(key) : null;
}

/// <summary>A ZAP handler's answer.</summary>
/// <param name="StatusCode">"200" accept; "300" temporary failure (the client is dropped silently); "400" refused; "500" handler error.</param>
/// <param name="StatusText">Why, for people: libzmq keeps only the code (the refused client's ERROR command carries just that).</param>
/// <param name="UserId">Attached to every message from the connection, readable as <see cref="ZmqMsgRef.UserId"/>.</param>
/// <param name="Metadata">More connection properties, readable with <see cref="ZmqMsgRef.Property"/>.</param>
internal sealed record ZapReply(string StatusCode, string StatusText, string UserId = "", IReadOnlyDictionary<string, string>? Metadata = null)
{
    public static ZapReply Allow(string userId) => new("200", "OK", userId);

    public static ZapReply Deny(string reason) => new("400", reason);
}

/// <summary>
/// Answers libzmq's authentication requests for one context: a REP socket bound on
/// <c>inproc://zeromq.zap.01</c>, on a thread of its own (libzmq's I/O thread waits for the
/// reply asynchronously, so a slow decision delays only that handshake). With a handler bound,
/// every CURVE handshake in the context asks it; NULL-mechanism sockets ask only when they have
/// a ZMQ_ZAP_DOMAIN. Without one, CURVE accepts any client that knows the server key.
/// Dispose it before the context.
/// </summary>
internal sealed class ZapHandler : IDisposable
{
    public const string Endpoint = "inproc://zeromq.zap.01";
    private const int PollMs = 50; // how soon Dispose is noticed

    private static ReadOnlySpan<byte> Version => "1.0"u8;

    private readonly ZmqContext _context;
    private readonly Func<ZapRequest, ZapReply> _decide;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private long _allowed;
    private long _refused;

    /// <summary>Binds the handler and returns once it is bound, so the next handshake already asks it.</summary>
    /// <param name="context">The context whose handshakes it answers (one handler per context).</param>
    /// <param name="decide">Called on the handler's thread for each request; an exception answers "500".</param>
    /// <exception cref="ZmqException">Another handler is already bound in this context (EADDRINUSE).</exception>
    public ZapHandler(ZmqContext context, Func<ZapRequest, ZapReply> decide)
    {
        _context = context;
        _decide = decide;
        _thread = new Thread(Run) { IsBackground = true, Name = "zap handler" };
        _thread.Start();
        _bound.Task.GetAwaiter().GetResult();
    }

    /// <summary>Requests answered "200".</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Requests answered with anything else.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private void Run()
    {
        ZmqSocket? socket = null;
        try
        {
            socket = ZmqSocket.Create(_context, ZmqSocketType.Rep);
            socket.SetOption(ZmqSocketOption.ReceiveTimeout, PollMs);
            socket.Bind(Endpoint);
        }
#pragma warning disable CA1031 // whatever went wrong is rethrown by the constructor, which waits for it
        catch (Exception e)
#pragma warning restore CA1031
        {
            socket?.Dispose(); // an open socket would keep zmq_ctx_term waiting forever
            _bound.SetException(e);
            return;
        }
        _bound.SetResult();
        using (socket)
        using (var frame = new ZmqMsgBlock(1))
        {
            var frames = new List<byte[]>();
            while (!_stopping)
            {
                switch (ReceiveRequest(socket, frame[0], frames))
                {
                    case ZmqError.None:
                        var reply = Encode(frames.Count > 1 ? frames[1] : [], Answer(frames), out var allowed);
                        Interlocked.Increment(ref allowed ? ref _allowed : ref _refused);
                        for (var i = 0; i < reply.Length; i++)
                        {
                            _ = socket.Send(reply[i], i < reply.Length - 1 ? ZmqFlags.SendMore : ZmqFlags.None);
                        }
                        break;
                    case ZmqError.Again or ZmqError.Interrupted:
                        break; // the receive timeout: look at _stopping again
                    default:
                        return; // ETERM: the context is shutting down
                }
            }
        }
    }

    private static ZmqError ReceiveRequest(ZmqSocket socket, ZmqMsgRef frame, List<byte[]> frames)
    {
        frames.Clear();
        do
        {
            var error = socket.Receive(frame, ZmqFlags.None);
            if (error != ZmqError.None)
            {
                return error; // only the first frame can time out: the rest arrive with it
            }
            frames.Add(frame.Bytes.ToArray());
        }
        while (frame.More);
        return ZmqError.None;
    }

    private ZapReply Answer(List<byte[]> frames)
    {
        // version, request id, domain, address, routing id, mechanism, credentials...
        if (frames.Count < 6 || !frames[0].AsSpan().SequenceEqual(Version))
        {
            return new ZapReply("500", "malformed ZAP request");
        }
        var request = new ZapRequest(Text(frames[2]), Text(frames[3]), frames[4], Text(frames[5]), frames.GetRange(6, frames.Count - 6));
        try
        {
            return _decide(request);
        }
#pragma warning disable CA1031 // a handler bug must become a refusal, not a dead handler thread
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new ZapReply("500", $"ZAP handler failed: {e.Message}");
        }
    }

    /// <summary>
    /// The reply frames: version, request id (echoed), status code, status text, user id,
    /// metadata. Built whole before sending: a REP socket that sent half a reply is stuck.
    /// </summary>
    private static byte[][] Encode(byte[] requestId, ZapReply reply, out bool allowed)
    {
        byte[] metadata;
        try
        {
            metadata = Metadata(reply.Metadata);
        }
        catch (ArgumentException e)
        {
            reply = new ZapReply("500", e.Message);
            metadata = [];
        }
        allowed = reply.StatusCode == "200";
        return [Version.ToArray(), requestId, Encoding.ASCII.GetBytes(reply.StatusCode), Encoding.UTF8.GetBytes(reply.StatusText), Encoding.UTF8.GetBytes(reply.UserId), metadata];
    }

    /// <summary>ZMTP property list: name length (1 byte), name, value length (4 bytes, big-endian), value.</summary>
    private static byte[] Metadata(IReadOnlyDictionary<string, string>? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return [];
        }
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var (name, value) in properties)
        {
            var nameBytes = Encoding.ASCII.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            if (nameBytes.Length is 0 or > 255)
            {
                throw new ArgumentException($"a metadata name is 1 to 255 characters: '{name}'", nameof(properties));
            }
            buffer.WriteByte((byte)nameBytes.Length);
            buffer.Write(nameBytes);
            BinaryPrimitives.WriteInt32BigEndian(length, valueBytes.Length);
            buffer.Write(length);
            buffer.Write(valueBytes);
        }
        return buffer.ToArray();
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Stops the thread (within <see cref="PollMs"/>) and closes the socket, unbinding the handler.</summary>
    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }
}
