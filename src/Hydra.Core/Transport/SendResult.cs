namespace Hydra.Transport;

/// <summary>What happened to one send. A transport never drops a message without saying so.</summary>
internal enum SendResult
{
    /// <summary>Handed to ZeroMQ; it goes out unless the connection breaks.</summary>
    Sent,
    /// <summary>No connection with that identity (ZeroMQ's ROUTER_MANDATORY / EHOSTUNREACH).</summary>
    UnknownPeer,
    /// <summary>The connection's queue is at its high-water mark; nothing was sent.</summary>
    QueueFull,
    /// <summary>
    /// Taken, to be sent once the other messages received with it have been handled. Should it
    /// not go then, the rules hear why through <see cref="IRouterRules.OnForwardFailed"/>.
    /// </summary>
    Queued,
}
