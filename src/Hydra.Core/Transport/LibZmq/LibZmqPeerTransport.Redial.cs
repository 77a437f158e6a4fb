using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

// libzmq 4.3.4 gives up on a connection whose ZMTP handshake ends in an error (the router's
// ZAP handler refused the key, or the router could not decrypt us: a wrong server key). The
// session is closed for good, the socket is left with nothing to queue into, and every send
// fails with EAGAIN. NetMQ keeps trying; so does this transport: after a connection that never
// completed its handshake closes, it disconnects and connects that endpoint again, once per
// RedialAfter, until a handshake succeeds (and says "no connection" rather than "queue full"
// meanwhile). A connection that merely failed to connect is retried by libzmq itself.
internal sealed partial class LibZmqPeerTransport
{
    private static readonly TimeSpan RedialAfter = TimeSpan.FromMilliseconds(100); // libzmq's own reconnect interval

    private readonly Link[] _links = [new(), new()]; // by PortKind; loop thread only

    private string Endpoint(PortKind port) =>
        $"tcp://{_options.RouterAddress}:{(port == PortKind.Main ? _options.RouterPort : _options.RouterHeartbeatPort)}";

    private void Track(PortKind port, ZmqMonitorEvents happened)
    {
        var link = _links[(int)port];
        switch (happened)
        {
            case ZmqMonitorEvents.Connected:
                link.Handshaken = false;
                break;
            case ZmqMonitorEvents.HandshakeSucceeded:
                link.Handshaken = true;
                link.Dead = false;
                break;
            case ZmqMonitorEvents.Disconnected when !link.Handshaken && !link.RedialDue:
                // Closed during the handshake: maybe libzmq's session is gone for good. Dial again shortly.
                link.Dead = true;
                link.RedialDue = true;
                _ = Task.Delay(RedialAfter).ContinueWith(_ => _loop.Post(() => Redial(port)), TaskScheduler.Default);
                break;
        }
    }

    /// <summary>Loop thread: a fresh session for the endpoint (the old one, dead or retrying, is dropped with what it queued).</summary>
    private void Redial(PortKind port)
    {
        var link = _links[(int)port];
        link.RedialDue = false;
        if (Volatile.Read(ref _state) != 1 || link.Handshaken)
        {
            return;
        }
        var socket = port == PortKind.Main ? _main! : _heartbeat!;
        var endpoint = Endpoint(port);
        try
        {
            socket.Disconnect(endpoint);
        }
        catch (ZmqException e) when (e.Error == ZmqError.NoSuchEndpoint)
        {
            // already gone
        }
        socket.Connect(endpoint);
    }

    private sealed class Link
    {
        public bool Handshaken;
        public bool Dead;
        public bool RedialDue;
    }
}
