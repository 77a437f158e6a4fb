namespace Hydra.Bench.Load;

/// <summary>
/// At most <c>window</c> messages sent and not yet received, between one publishing thread and one
/// receiving thread. The publisher sleeps while the window is full and is woken when half of it is
/// free, so neither side spins on the shared cores.
/// </summary>
internal sealed class InFlightWindow(int window) : IDisposable
{
    private readonly SemaphoreSlim _room = new(0);
    private long _sent;
    private long _received;
    private int _publisherWaits;

    public long Sent => Volatile.Read(ref _sent);
    public long Received => Volatile.Read(ref _received);
    public bool HasRoom => Sent - Received < window;

    /// <summary>Publisher thread only.</summary>
    public void OneSent() => Volatile.Write(ref _sent, _sent + 1);

    /// <summary>Publisher thread: sleeps until half the window is free, or <paramref name="limit"/> has passed (the caller checks its clock).</summary>
    public void WaitForRoom(TimeSpan limit)
    {
        // Announce first, then look: the receiver increments, then looks. With a full fence on each
        // side, at least one of them sees the other, so no wake-up is missed. A wake-up left over
        // from a timed-out wait only makes a later wait return early, which the caller tolerates.
        Interlocked.Exchange(ref _publisherWaits, 1);
        if (!HalfFree(Received))
        {
            _room.Wait(limit);
        }
        Interlocked.Exchange(ref _publisherWaits, 0);
    }

    /// <summary>Receiving thread only.</summary>
    public void OneReceived()
    {
        var received = Interlocked.Increment(ref _received);
        if (Volatile.Read(ref _publisherWaits) == 1 && HalfFree(received) && Interlocked.Exchange(ref _publisherWaits, 0) == 1)
        {
            _room.Release();
        }
    }

    private bool HalfFree(long received) => Sent - received <= window / 2;

    public void Dispose() => _room.Dispose();
}
