using Hydra.Protocol;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Transport.NetMQ;

// The per-message path, on the poller thread. In steady state it allocates nothing: frames
// are received into Msg structs (pooled buffers) and the body is forwarded as it came.
internal sealed partial class NetMQRouterTransport
{
    private void Drain(RouterSocket socket, PortKind port)
    {
        for (var i = 0; i < MaxBatch; i++)
        {
            var identity = new Msg();
            identity.InitEmpty();
            _body.InitEmpty();
            try
            {
                if (!socket.TryReceive(ref identity, TimeSpan.Zero))
                {
                    return;
                }
                var (parts, firstPartEmpty) = ReceiveBody(socket);
                if (parts == 1 && _body.Slice().SequenceEqual(DisconnectMarker))
                {
                    _identities.Forget(identity.Slice());
                    _rules!.OnPeerGone(port, identity.Slice());
                    continue;
                }
                _rules!.OnFrame(port, identity.Slice(), new ReceivedFrame(_body.Slice(), parts, firstPartEmpty));
            }
            catch (Exception e) when (e is not TerminatingException)
            {
                // The rules guard their own work; this is the transport's: one frame must not stop the loop.
                log.LogReceiveFailed(e);
            }
            finally
            {
                CloseIfOpen(ref identity);
                CloseIfOpen(ref _body);
            }
        }
    }

    /// <summary>Reads the frames after the identity; <see cref="_body"/> ends up holding the last.</summary>
    private (int Parts, bool FirstPartEmpty) ReceiveBody(RouterSocket socket)
    {
        socket.Receive(ref _body);
        var firstPartEmpty = _body.Size == 0;
        var parts = 1;
        while (_body.HasMore)
        {
            _body.Close();
            _body.InitEmpty();
            socket.Receive(ref _body);
            parts++;
        }
        return (parts, firstPartEmpty);
    }

    public SendResult Forward(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, in ReceivedFrame frame, object? token) =>
        SendHandled(SocketOf(port), identity, envelope, ref _body);

    public SendResult Send(PortKind port, ReadOnlySpan<byte> identity, Envelope envelope, ReadOnlySpan<byte> body)
    {
        var message = new Msg();
        message.InitPool(body.Length);
        body.CopyTo(message.Slice());
        try
        {
            return SendHandled(SocketOf(port), identity, envelope, ref message);
        }
        finally
        {
            CloseIfOpen(ref message);
        }
    }

    private RouterSocket SocketOf(PortKind port) => port == PortKind.Main ? _main! : _heartbeat!;

    /// <summary>Sends [identity, (""), body] without waiting. On success the body is handed to NetMQ.</summary>
    private SendResult SendHandled(RouterSocket socket, ReadOnlySpan<byte> identity, Envelope envelope, ref Msg body)
    {
        var identityArray = _identities.Get(identity, out var cached);
        var address = new Msg();
        address.InitGC(identityArray, identityArray.Length);
        try
        {
            if (!socket.TrySend(ref address, TimeSpan.Zero, more: true))
            {
                return SendResult.QueueFull;
            }
        }
        catch (HostUnreachableException)
        {
            if (cached)
            {
                _identities.Forget(identity);
            }
            return SendResult.UnknownPeer;
        }
        finally
        {
            CloseIfOpen(ref address);
        }
        if (!cached)
        {
            _identities.Remember(identityArray);
        }
        // Once the address frame is accepted, the frames after it cannot be refused.
        if (envelope == Envelope.Delimited)
        {
            var delimiter = new Msg();
            delimiter.InitEmpty();
            socket.TrySend(ref delimiter, TimeSpan.Zero, more: true);
        }
        socket.TrySend(ref body, TimeSpan.Zero, more: false);
        return SendResult.Sent;
    }

    private static void CloseIfOpen(ref Msg msg)
    {
        if (msg.IsInitialised)
        {
            msg.Close();
        }
    }
}
