using Hydra.Transport.LibZmq.Native;
using Microsoft.Extensions.Logging;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// The router's ZAP decision when it has authorized keys: a CURVE client whose long-term key is
/// not on the list is refused in the handshake, so it never gets a connection, and one that is
/// gets its key (Z85) as the connection's user id, which every message from it carries
/// (<see cref="ReceivedFrame.PeerKey"/>). Runs on the ZAP handler's thread.
/// </summary>
/// <remarks>
/// A refused client reconnects every 100 ms or so, and each attempt asks again: the log gets one
/// line per key a minute, at most, and a count of the attempts with it.
/// </remarks>
internal sealed class HandshakeKeyCheck(IReadOnlyCollection<string> authorizedKeys, ILogger log)
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    private readonly HashSet<string> _allowed = [.. authorizedKeys];
    private readonly Dictionary<string, (long LoggedAt, long Since)> _refused = []; // ZAP thread only
    private long _refusedTotal;

    /// <summary>Handshakes refused since the router started.</summary>
    public long Refused => Interlocked.Read(ref _refusedTotal);

    public ZapReply Decide(ZapRequest request)
    {
        var key = request.ClientKey;
        if (key is not null && _allowed.Contains(key))
        {
            return ZapReply.Allow(key);
        }
        Interlocked.Increment(ref _refusedTotal);
        LogRefusal(key ?? $"(mechanism {request.Mechanism})", request.Address);
        return ZapReply.Deny("key not authorized");
    }

    private void LogRefusal(string key, string address)
    {
        var now = Environment.TickCount64;
        if (_refused.TryGetValue(key, out var seen) && now - seen.LoggedAt < LogEvery.TotalMilliseconds)
        {
            _refused[key] = (seen.LoggedAt, seen.Since + 1);
            return;
        }
        if (_refused.Count >= MaxRemembered)
        {
            _refused.Clear(); // many strangers: forget them rather than grow
        }
        _refused[key] = (now, 0);
        log.LogKeyRefusedInHandshake(address, key, seen.Since > 0 ? $" ({seen.Since} more attempts with it since the last such line)" : "");
    }
}
