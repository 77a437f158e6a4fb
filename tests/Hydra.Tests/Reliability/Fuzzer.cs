using System.Diagnostics;
using System.Text;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Throws <see cref="FuzzFrames"/> at a router from DEALER sockets with ever-changing
/// identities (names, binary, 255 bytes, ZeroMQ-generated), on both ports, for a bounded
/// time. Everything runs on the fuzzer's own thread, which owns its sockets.
/// </summary>
internal sealed class Fuzzer(int port, int heartbeatPort, int seed, int maxMessageSize)
{
    private const int Sockets = 8;
    private const int ReplaceEvery = 100; // messages, then one socket gets a new identity
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _kinds = [];

    public long Sent { get; private set; }
    public long NotTaken { get; private set; }
    public long Oversize { get; private set; }
    public long Replies { get; private set; }
    public long Identities { get; private set; }
    public IReadOnlyDictionary<string, int> Kinds => _kinds;

    /// <summary>Fuzzes until <paramref name="duration"/> is over or <paramref name="maxMessages"/> were sent.</summary>
    public void Run(TimeSpan duration, long maxMessages, IReadOnlyList<string> targets)
    {
        var frames = new FuzzFrames(_random, maxMessageSize);
        var sockets = new (DealerSocket Socket, string Name)[Sockets];
        for (var i = 0; i < Sockets; i++)
        {
            sockets[i] = Open(i);
        }
        using var oversize = Connect(new DealerSocket(), port);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (long round = 1; Stopwatch.GetElapsedTime(started) < duration && Sent < maxMessages; round++)
            {
                var i = _random.Next(Sockets);
                if (_random.Next(200) == 0)
                {
                    // Over the limit but within the router's read bound: answered too_large (never read by this socket).
                    Oversize += oversize.TrySendFrame(TimeSpan.Zero, frames.Oversize()) ? 1 : 0;
                }
                else
                {
                    var message = frames.Next(sockets[i].Name, targets);
                    _kinds[frames.Kind] = _kinds.GetValueOrDefault(frames.Kind) + 1;
                    if (TrySend(sockets[i].Socket, message))
                    {
                        Sent++;
                    }
                    else
                    {
                        NotTaken++;
                    }
                }
                if (round % ReplaceEvery == 0)
                {
                    var replaced = _random.Next(Sockets);
                    Drain(sockets[replaced].Socket);
                    sockets[replaced].Socket.Dispose();
                    sockets[replaced] = Open(replaced);
                }
                foreach (var (socket, _) in sockets)
                {
                    Drain(socket);
                }
            }
        }
        finally
        {
            foreach (var (socket, _) in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private (DealerSocket, string) Open(int slot)
    {
        Identities++;
        var socket = new DealerSocket();
        var (identity, name) = _random.Next(5) switch
        {
            0 => (RandomBytes(_random.Next(1, 16)), "binary"),
            1 => (Encoding.UTF8.GetBytes(new string('L', 255)), "long"), // the most ZMTP allows; over the router's 128
            2 => (null, "generated"),
            3 => (Encoding.UTF8.GetBytes($"fuzz-é-{_random.Next()}"), "utf8"),
            _ => (Encoding.UTF8.GetBytes($"fuzz-{slot}-{_random.Next()}"), "plain"),
        };
        if (identity is not null)
        {
            socket.Options.Identity = identity;
        }
        _kinds["identity " + name] = _kinds.GetValueOrDefault("identity " + name) + 1;
        // One socket in four talks to the heartbeat port, which must refuse all but heartbeats.
        Connect(socket, _random.Next(4) == 0 ? heartbeatPort : port);
        return (socket, identity is null ? "?" : Encoding.UTF8.GetString(identity));
    }

    private static DealerSocket Connect(DealerSocket socket, int port)
    {
        socket.Options.Linger = TimeSpan.Zero;
        socket.Options.ReceiveHighWatermark = 0; // keep every reply until drained
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    private static bool TrySend(DealerSocket socket, byte[][] frames)
    {
        // A DEALER takes all parts once it takes the first, so only the first send can fail.
        if (!socket.TrySendFrame(TimeSpan.Zero, frames[0], frames.Length > 1))
        {
            return false;
        }
        for (var f = 1; f < frames.Length; f++)
        {
            socket.SendFrame(frames[f], f < frames.Length - 1);
        }
        return true;
    }

    private void Drain(DealerSocket socket)
    {
        while (socket.TryReceiveFrameBytes(TimeSpan.Zero, out _, out var more))
        {
            if (!more)
            {
                Replies++;
            }
        }
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }
}
