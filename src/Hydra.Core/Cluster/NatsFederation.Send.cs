using System.Text;
using System.Text.Json;
using Hydra.Protocol;
using Hydra.Routing;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Hydra.Cluster;

// Frames out to the cluster, and refusals back to a sender's router. Send runs for every
// cross-router message on the loop thread and allocates nothing in steady state: the target's
// subject is cached, the reply subject comes from a ring made once, and NATS.Net copies the
// frame into its own pooled buffer before PublishAsync returns.
internal sealed partial class NatsFederation
{
    private readonly ReplySlots _slots;

    /// <summary>
    /// Tests and benchmarks: count what NATS.Net's PublishAsync allocates on the routing thread
    /// (<see cref="NatsAllocatedBytes"/>), to tell it from what Hydra's own code allocates.
    /// </summary>
    internal static bool MeasureNatsAllocations { get; set; }

    /// <summary>Loop thread: bytes NATS.Net's PublishAsync allocated while <see cref="MeasureNatsAllocations"/> was on.</summary>
    internal long NatsAllocatedBytes { get; private set; }
    private readonly PublishWatchers _watchers = new();
    private byte[] _scratch = new byte[4096];
    private long _sent;
    private long _received;
    private long _refusedRemotely;
    private long _publishFailures;
    private int _outboundPending;
    private long _outboundPendingBytes;

    public ClusterStats Stats => new(_options.RouterId, IsAvailable, RoutersUp + 1, Volatile.Read(ref _sent), Volatile.Read(ref _received),
        Volatile.Read(ref _refusedRemotely), Volatile.Read(ref _publishFailures),
        IsAvailable && _nats.ServerInfo is { } server ? $"{server.Host}:{server.Port}" : null);

    public FederationSend Send(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id)
    {
        if (_nats.ConnectionState != NatsConnectionState.Open)
        {
            return FederationSend.Unavailable;
        }
        if (_nats.ServerInfo is { } info && frame.Length > info.MaxPayload)
        {
            return FederationSend.TooLarge;
        }
        if (Volatile.Read(ref _outboundPending) >= _options.MaxPending
            || (Interlocked.Read(ref _outboundPendingBytes) is > 0 and var waiting && waiting + frame.Length > _options.MaxPendingBytes))
        {
            return FederationSend.Busy;
        }
        var replyTo = _slots.Take(sender, id, target, out var slot);
        Publish(_subjects.PeerSubject(target), frame, replyTo, slot);
        Volatile.Write(ref _sent, _sent + 1);
        return FederationSend.Sent;
    }

    public void Refuse(object origin, ReadOnlySpan<byte> frame, HydraErrorCode code, string detail)
    {
        if (Stopped)
        {
            return; // the router is stopping: NATS is gone, and so is the sender's router's interest
        }
        if (origin is not string replyTo || replyTo.Length == 0)
        {
            _log.LogWarning("Cluster: a frame from another router could not be delivered ({Code}: {Detail}), and it came without a reply subject", code.ToWire(), detail);
            return;
        }
        FrameInspector.Inspect(frame, out var header);
        var refusal = new RefusalMessage(code.ToWire(), detail, header.Sender.ToString(frame), header.Id.ToNullableString(frame));
        Observe(_nats.PublishAsync(replyTo, JsonSerializer.SerializeToUtf8Bytes(refusal, ClusterJson.Default.RefusalMessage)), "a refusal to another router");
    }

    /// <summary>Loop thread: hands <paramref name="frame"/> to NATS.Net, which copies it before returning.</summary>
    /// <param name="subject">Where it goes: the target's subject, or a router's direct subject.</param>
    /// <param name="frame">The frame, untouched.</param>
    /// <param name="replyTo">Where "no responders" and refusals come back.</param>
    /// <param name="slot">The reply slot naming the frame's sender here; -1 for a frame passed on for another router's peer.</param>
    private void Publish(string subject, ReadOnlySpan<byte> frame, string replyTo, int slot = -1)
    {
        if (Stopped)
        {
            return; // frames still queued on the routing thread while the router stops
        }
        if (frame.Length > _scratch.Length)
        {
            _scratch = new byte[Math.Max(frame.Length, _scratch.Length * 2)];
        }
        frame.CopyTo(_scratch);
        var before = MeasureNatsAllocations ? GC.GetAllocatedBytesForCurrentThread() : 0;
        var task = _nats.PublishAsync(subject, (ReadOnlyMemory<byte>)_scratch.AsMemory(0, frame.Length), replyTo: replyTo, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default);
        if (MeasureNatsAllocations)
        {
            NatsAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult(); // releases a pooled task, if one backs it
            return;
        }
        // NATS.Net's write buffer is full (or another thread is writing): the frame is copied, and
        // waits in NATS.Net for room; Send refuses more once MaxPending frames or MaxPendingBytes wait.
        Interlocked.Increment(ref _outboundPending);
        Interlocked.Add(ref _outboundPendingBytes, frame.Length);
        _watchers.Watch(task, this, slot, frame.Length);
    }

    /// <summary>A publish that did not complete at once has ended (any thread).</summary>
    private void OnPublished(Exception? failure, int slot, int length)
    {
        Interlocked.Decrement(ref _outboundPending);
        Interlocked.Add(ref _outboundPendingBytes, -length);
        if (failure is null)
        {
            return;
        }
        // The frame never left (NATS.Net gives up on a publish it could not take within its command
        // timeout, or when the connection closes). Its sender here is told, through its reply slot;
        // a frame passed on for another router's peer has no slot here, and is counted and logged.
        Interlocked.Increment(ref _publishFailures);
        _log.LogWarning("Cluster: a frame could not be handed to NATS: {Reason}", failure.Message);
        if (slot >= 0 && !Stopped)
        {
            // NATS.Net words a command timeout as it likes ("Operation timed out" is not a TimeoutException):
            // while the connection is up, the frame waited behind a full buffer, so it is busy.
            var code = _nats.ConnectionState == NatsConnectionState.Open ? HydraErrorCode.Busy : HydraErrorCode.ClusterUnavailable;
            _inbound!.Enqueue(new Inbound(InboundKind.NotSent, null, null, 0, failure.Message, slot, code));
        }
    }

    /// <summary>
    /// Waits for publishes that did not complete at once, without a closure or task per publish:
    /// each watcher keeps its continuation delegate and is reused.
    /// </summary>
    private sealed class PublishWatchers
    {
        private readonly Stack<Watcher> _free = new();

        public void Watch(ValueTask task, NatsFederation owner, int slot, int length)
        {
            Watcher? watcher;
            lock (_free)
            {
                _free.TryPop(out watcher);
            }
            (watcher ?? new Watcher(this)).Start(task, owner, slot, length);
        }

        private void Return(Watcher watcher)
        {
            lock (_free)
            {
                _free.Push(watcher);
            }
        }

        private sealed class Watcher
        {
            private readonly PublishWatchers _pool;
            private readonly Action _completed;
            private ValueTask _task;
            private NatsFederation? _owner;
            private int _slot;
            private int _length;

            public Watcher(PublishWatchers pool)
            {
                _pool = pool;
                _completed = Completed;
            }

            public void Start(ValueTask task, NatsFederation owner, int slot, int length)
            {
                _task = task;
                _owner = owner;
                _slot = slot;
                _length = length;
                task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_completed);
            }

            private void Completed()
            {
                Exception? failure = null;
                try
                {
                    _task.GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    failure = e;
                }
                var (owner, slot, length) = (_owner!, _slot, _length);
                _task = default;
                _owner = null;
                _pool.Return(this);
                owner.OnPublished(failure, slot, length);
            }
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes) => IdentityText.Of(bytes);

    private static byte[] Utf8(string? text) => text is null ? [] : Encoding.UTF8.GetBytes(text);
}
