namespace Hydra.Transport.LibZmq.Native;

// The numbers are zmq.h's (4.3); only what a router and a DEALER peer use.

/// <summary>Socket types (ZMQ_PAIR, ZMQ_REP, …).</summary>
internal enum ZmqSocketType
{
    /// <summary>One peer; what the monitor and other inproc plumbing use.</summary>
    Pair = 0,
    /// <summary>Answers requests in lock-step; the ZAP handler is one.</summary>
    Rep = 4,
    /// <summary>A peer: routing id set before connecting, sends and receives freely.</summary>
    Dealer = 5,
    /// <summary>The router: every received message starts with the sender's routing id frame.</summary>
    Router = 6,
}

/// <summary>Context options for <see cref="ZmqContext.Set"/>.</summary>
internal enum ZmqContextOption
{
    /// <summary>I/O threads; set before the first socket.</summary>
    IoThreads = 1,
    /// <summary>Maximum sockets in the context (default 1023).</summary>
    MaxSockets = 2,
    /// <summary>0: new sockets get ZMQ_LINGER 0, so closing never waits for unsent messages.</summary>
    Blocky = 70,
}

/// <summary>Socket options (zmq_setsockopt / zmq_getsockopt). The comment gives the C type.</summary>
internal enum ZmqSocketOption
{
    /// <summary>binary, 1–255 bytes: a DEALER's identity as a ROUTER sees it; set before connect.</summary>
    RoutingId = 5,
    /// <summary>int: kernel send buffer, bytes (0: OS default).</summary>
    SendBuffer = 11,
    /// <summary>int: kernel receive buffer, bytes.</summary>
    ReceiveBuffer = 12,
    /// <summary>fd (int; SOCKET on Windows), read-only: edge-triggered readiness signal for an external poller.</summary>
    Fd = 14,
    /// <summary>int, read-only: ZMQ_POLLIN / ZMQ_POLLOUT right now.</summary>
    Events = 15,
    /// <summary>int: connections the kernel queues for a listener before libzmq accepts them (default 100); set before bind.</summary>
    Backlog = 19,
    /// <summary>int, ms: how long close waits to flush; -1 forever (the default unless ZMQ_BLOCKY is 0).</summary>
    Linger = 17,
    /// <summary>int64: a peer sending a larger message is disconnected; -1 no limit.</summary>
    MaxMessageSize = 22,
    /// <summary>int: messages queued per peer before sends block, fail (EAGAIN) or drop; 0 no limit.</summary>
    SendHighWaterMark = 23,
    /// <summary>int: messages queued per peer on receive.</summary>
    ReceiveHighWaterMark = 24,
    /// <summary>int, ms: a blocking receive gives EAGAIN after this; -1 forever.</summary>
    ReceiveTimeout = 27,
    /// <summary>int, ms: a blocking send gives EAGAIN after this.</summary>
    SendTimeout = 28,
    /// <summary>string, read-only: the endpoint last bound, with the port a "*" got.</summary>
    LastEndpoint = 32,
    /// <summary>int 0/1: a ROUTER fails a send to an unknown routing id (EHOSTUNREACH) and a full peer (EAGAIN) instead of dropping silently.</summary>
    RouterMandatory = 33,
    /// <summary>int 0/1: only queue messages to completed connections.</summary>
    Immediate = 39,
    /// <summary>int 0/1: this socket is the CURVE server.</summary>
    CurveServer = 47,
    /// <summary>32 bytes or 40 Z85 characters: this socket's long-term public key (clients).</summary>
    CurvePublicKey = 48,
    /// <summary>32 bytes or 40 Z85 characters: this socket's long-term secret key.</summary>
    CurveSecretKey = 49,
    /// <summary>32 bytes or 40 Z85 characters: the server's public key (clients).</summary>
    CurveServerKey = 50,
    /// <summary>string: the ZAP domain passed to the handler (required for ZAP with the NULL mechanism, optional with CURVE).</summary>
    ZapDomain = 55,
    /// <summary>int 0/1: a ROUTER hands a routing id over to a new connection that claims it, instead of refusing the newcomer.</summary>
    RouterHandover = 56,
    /// <summary>int, ms: how long the ZMTP handshake may take (default 30 s).</summary>
    HandshakeInterval = 66,
    /// <summary>int, ms: send a ZMTP PING this often (0: off).</summary>
    HeartbeatInterval = 75,
    /// <summary>int, ms: time-to-live asked of the remote peer.</summary>
    HeartbeatTtl = 76,
    /// <summary>int, ms: drop the connection when no traffic for this long after a PING.</summary>
    HeartbeatTimeout = 77,
}

/// <summary>Flags for zmq_send, zmq_msg_send and zmq_msg_recv.</summary>
[Flags]
internal enum ZmqFlags
{
    None = 0,
    /// <summary>Fail with EAGAIN instead of blocking.</summary>
    DontWait = 1,
    /// <summary>Sending: more frames of this message follow.</summary>
    SendMore = 2,
}

/// <summary>zmq_poll's events and revents.</summary>
[Flags]
internal enum ZmqPollEvents : short
{
    None = 0,
    In = 1,
    Out = 2,
    Error = 4,
}

/// <summary>zmq_msg_get properties.</summary>
internal enum ZmqMsgProperty
{
    More = 1,
    /// <summary>The file descriptor of the connection the message came in on (deprecated in 4.3, still served from the "__fd" metadata).</summary>
    SourceFd = 2,
    /// <summary>1 when the content is shared (after zmq_msg_copy, or a large received message).</summary>
    Shared = 3,
}

/// <summary>Socket monitor events (version 1: 16-bit event + 32-bit value, then the endpoint).</summary>
[Flags]
internal enum ZmqMonitorEvents
{
    None = 0,
    /// <summary>Value: fd of the new outgoing connection.</summary>
    Connected = 0x0001,
    /// <summary>Value: errno of the synchronous connect attempt.</summary>
    ConnectDelayed = 0x0002,
    /// <summary>Value: reconnect interval, ms.</summary>
    ConnectRetried = 0x0004,
    /// <summary>Value: fd of the listening socket.</summary>
    Listening = 0x0008,
    /// <summary>Value: errno.</summary>
    BindFailed = 0x0010,
    /// <summary>Value: fd of the accepted connection; later messages from it carry it as ZMQ_SRCFD.</summary>
    Accepted = 0x0020,
    /// <summary>Value: errno.</summary>
    AcceptFailed = 0x0040,
    /// <summary>Value: fd of the closed (listening or connection) socket.</summary>
    Closed = 0x0080,
    /// <summary>Value: errno.</summary>
    CloseFailed = 0x0100,
    /// <summary>Value: fd of the connection that broke or was closed by the peer.</summary>
    Disconnected = 0x0200,
    /// <summary>The monitor was stopped; the last event.</summary>
    MonitorStopped = 0x0400,
    /// <summary>Value: errno.</summary>
    HandshakeFailedNoDetail = 0x0800,
    /// <summary>ZMTP handshake (and ZAP, if any) done. Value unused.</summary>
    HandshakeSucceeded = 0x1000,
    /// <summary>Value: a ZMQ_PROTOCOL_ERROR_* code.</summary>
    HandshakeFailedProtocol = 0x2000,
    /// <summary>The ZAP handler refused. Value: its status code (300, 400, 500).</summary>
    HandshakeFailedAuth = 0x4000,
    All = 0xFFFF,
}
