using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Bench.Load;

/// <summary>
/// Idle peers on libzmq (Hydra's binding), for the many-peers run's child processes: each peer has
/// a main and a heartbeat DEALER like HydraMQ, on the schedule of <see cref="IdleFleet"/>. A libzmq
/// socket costs this process two descriptors (its TCP connection and its mailbox's eventfd), so four a peer.
/// </summary>
internal sealed class ZmqIdlePeers : IdleFleet, IDisposable
{
    private readonly ZmqContext _context;
    private readonly ZmqSocket[] _main;
    private readonly ZmqSocket[] _heartbeat;
    private readonly byte[][] _beats;
    private readonly ZmqMsgBlock _block = new(1);

    /// <param name="names">Start of every peer's name, so that several processes never share one.</param>
    /// <param name="onePort">The C++ anchor: both sockets on its one port, the heartbeat one named apart (a ROUTER needs unique ids).</param>
    public ZmqIdlePeers(int count, string names, int port, int heartbeatPort, bool onePort)
        : base(count)
    {
        _context = ZmqContext.Create(ioThreads: 1);
        _context.Set(ZmqContextOption.MaxSockets, (2 * count) + 16); // libzmq's default is 1,023
        _main = new ZmqSocket[count];
        _heartbeat = new ZmqSocket[count];
        _beats = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var id = $"{names}-{i:D5}";
            _main[i] = Dealer(id, port);
            _heartbeat[i] = Dealer(onePort ? id + "-hb" : id, onePort ? port : heartbeatPort);
            _beats[i] = Frames.Heartbeat(onePort ? id + "-hb" : id);
        }
    }

    private ZmqSocket Dealer(string identity, int port)
    {
        var socket = ZmqSocket.Create(_context, ZmqSocketType.Dealer);
        socket.SetOption(ZmqSocketOption.RoutingId, Encoding.UTF8.GetBytes(identity));
        socket.SetOption(ZmqSocketOption.Linger, 0);
        socket.SetOption(ZmqSocketOption.SendHighWaterMark, 1000);
        socket.SetOption(ZmqSocketOption.ReceiveHighWaterMark, 1000);
        socket.Connect($"tcp://127.0.0.1:{port}");
        return socket;
    }

    protected override bool TrySendHeartbeat(int peer) => _heartbeat[peer].Send(_beats[peer], ZmqFlags.DontWait) == ZmqError.None;

    protected override int ReceiveReplies(int peer)
    {
        var n = 0;
        while (_heartbeat[peer].Receive(_block[0], ZmqFlags.DontWait) == ZmqError.None)
        {
            if (!_block[0].More)
            {
                n++;
            }
        }
        return n;
    }

    public void Dispose()
    {
        foreach (var socket in _main.Concat(_heartbeat))
        {
            socket?.Dispose();
        }
        _block.Dispose();
        _context.Dispose();
    }
}
