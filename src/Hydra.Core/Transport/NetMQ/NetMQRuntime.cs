using NetMQ;

namespace Hydra.Transport.NetMQ;

/// <summary>NetMQ's process-wide state.</summary>
internal static class NetMQRuntime
{
    /// <summary>Ends NetMQ's I/O threads without waiting for queued messages (every socket is closed by then).</summary>
    public static void Cleanup() => NetMQConfig.Cleanup(block: false);
}
