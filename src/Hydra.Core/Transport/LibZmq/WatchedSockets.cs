using System.Diagnostics;
using System.Net.Sockets;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Transport.LibZmq;

/// <summary>
/// Plain sockets (not ZeroMQ's) that a <see cref="LibZmqLoop"/> waits on beside its own, such as
/// a cluster's NATS connection: each has a slot at the end of the loop's poll set, and a handler
/// that reads it until it would block. Their readiness is level-triggered; a loop too busy to
/// poll looks at them anyway every <see cref="BusyLookEvery"/>, so they are never starved. Loop
/// thread only.
/// </summary>
internal sealed class WatchedSockets(Action<Exception> onFault)
{
    public const int Capacity = 4;

    private static readonly long BusyLookEvery = Stopwatch.Frequency / 5_000; // 200 µs

    private readonly (Socket? Socket, Action? OnReadable)[] _items = new (Socket?, Action?)[Capacity];
    private ZmqPollSet? _poll;
    private int _firstSlot;
    private long _lastLook;

    /// <summary>Takes the last <see cref="Capacity"/> slots of <paramref name="poll"/>, from <paramref name="firstSlot"/> on, empty for now.</summary>
    public void Attach(ZmqPollSet poll, int firstSlot)
    {
        (_poll, _firstSlot) = (poll, firstSlot);
        for (var i = 0; i < Capacity; i++)
        {
            poll.SetFd(firstSlot + i, _items[i].Socket?.Handle ?? -1);
        }
    }

    public IDisposable Add(Socket socket, Action onReadable)
    {
        var slot = Array.FindIndex(_items, item => item.Socket is null);
        if (slot < 0)
        {
            throw new InvalidOperationException($"a loop watches at most {Capacity} plain sockets");
        }
        _items[slot] = (socket, onReadable);
        _poll?.SetFd(_firstSlot + slot, socket.Handle);
        return new Unwatch(this, slot, socket);
    }

    /// <summary>After a poll: the handlers of the sockets found readable.</summary>
    public void AfterPoll(ZmqPollSet poll)
    {
        for (var i = 0; i < Capacity; i++)
        {
            if (_items[i].OnReadable is { } onReadable && poll.IsReadable(_firstSlot + i))
            {
                Run(onReadable);
            }
        }
        _lastLook = Stopwatch.GetTimestamp();
    }

    /// <summary>While the loop has work and does not poll: every handler, now and then (a read that finds nothing costs one system call).</summary>
    public void WhileBusy()
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _lastLook < BusyLookEvery)
        {
            return;
        }
        _lastLook = now;
        for (var i = 0; i < Capacity; i++)
        {
            if (_items[i].OnReadable is { } onReadable)
            {
                Run(onReadable);
            }
        }
    }

    private void Run(Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception e)
        {
            onFault(e);
        }
    }

    private sealed class Unwatch(WatchedSockets owner, int slot, Socket socket) : IDisposable
    {
        public void Dispose()
        {
            if (owner._items[slot].Socket == socket)
            {
                owner._items[slot] = default;
                owner._poll?.SetFd(owner._firstSlot + slot, -1);
            }
        }
    }
}
