using System.Runtime.CompilerServices;

namespace Hydra.Tests.Reliability;

internal static class SocketBudget
{
    /// <summary>
    /// NetMQ allows 1,023 sockets per process unless told otherwise, and only before the first
    /// socket exists; the many-peers test needs two per peer. Raising the cap costs nothing else.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseNetMQSocketLimit() => NetMQ.NetMQConfig.MaxSockets = 8192;
}
