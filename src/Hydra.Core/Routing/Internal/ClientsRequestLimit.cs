namespace Hydra.Routing.Internal;

/// <summary>
/// How often one peer may ask for the client table: one request at a time, and at most
/// <see cref="PerSecond"/> a second. A table of 100,000 rows costs real work to write out;
/// a peer asking in a loop gets <c>busy</c> instead of taking the router's time from routing.
/// Routing thread only.
/// </summary>
internal struct ClientsRequestLimit
{
    public const int PerSecond = 2;

    private long _windowStart;
    private int _inWindow;
    private bool _inProgress;

    /// <summary>Takes a request if the peer is within its limit; otherwise says why not.</summary>
    public string? TryTake(TimeProvider time)
    {
        if (_inProgress)
        {
            return "its previous 'clients' request is still being answered";
        }
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
        {
            _windowStart = now;
            _inWindow = 0;
        }
        if (_inWindow >= PerSecond)
        {
            return $"at most {PerSecond} 'clients' requests a second per peer";
        }
        _inWindow++;
        _inProgress = true;
        return null;
    }

    public void Done() => _inProgress = false;
}
