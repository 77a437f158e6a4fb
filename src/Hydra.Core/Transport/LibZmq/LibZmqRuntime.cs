using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// libzmq as a transport: whether it can be used for given options, its name for log lines,
/// and the context all peers of the process share (a router has a context of its own).
/// </summary>
internal static class LibZmqRuntime
{
    private static readonly Lock Gate = new();
    private static ZmqContext? _peerContext;
    private static string? _name;

    /// <summary>"libzmq 4.3.4", once loaded.</summary>
    public static string Name => _name ??= $"libzmq {ZmqLibrary.Version}";

    /// <summary>
    /// Whether libzmq loads and has what the options need (CURVE for encryption); otherwise
    /// <paramref name="whyNot"/> says why in one line, with how to install it.
    /// </summary>
    public static bool IsUsable(bool needsCurve, out string? whyNot)
    {
        if (!ZmqLibrary.TryLoad(out whyNot))
        {
            return false;
        }
        if (needsCurve && !ZmqLibrary.Has("curve"))
        {
            whyNot = $"{ZmqLibrary.LoadedFrom} ({Name}) was built without CURVE, which encryption needs; install a build with it: {ZmqLibrary.InstallHint}";
            return false;
        }
        return true;
    }

    /// <summary>Where libzmq was loaded from, for the log line that says why it runs.</summary>
    public static string LoadedFrom => ZmqLibrary.LoadedFrom ?? "libzmq";

    /// <summary>The peers' context: created with the first peer, terminated by <see cref="Cleanup"/>.</summary>
    public static ZmqContext PeerContext()
    {
        lock (Gate)
        {
            return _peerContext ??= ZmqContext.Create(ioThreads: 1);
        }
    }

    /// <summary>
    /// Releases the peers' context (its I/O thread ends once the last socket is closed). A peer
    /// still running sees its sockets fail and stops; a later peer gets a new context.
    /// </summary>
    public static void Cleanup()
    {
        lock (Gate)
        {
            _peerContext?.Dispose();
            _peerContext = null;
        }
    }
}
