using System.Text;
using Hydra.Cluster;
using Hydra.Cluster.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hydra.Tests.Cluster.State;

/// <summary>The cluster's state machine in chosen situations, on a simulated NATS (the random ones: <see cref="ClusterNodePropertyTests"/>).</summary>
public sealed class ClusterNodeTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static bool IsDataWith(byte[] message, EntryKind kind)
    {
        if (!LinkWire.TryReadHeader(message, out var header, out var body) || header.Kind != MessageKind.Data || !LinkWire.TryReadData(body, out var data, out var entries))
        {
            return false;
        }
        for (var i = 0; i < data.Count && LinkWire.TryReadEntry(ref entries, out var entryKind, out _); i++)
        {
            if (entryKind == kind)
            {
                return true;
            }
        }
        return false;
    }

    // The refusal and the confirmation of the frame it refuses travel in one message. When that
    // message is lost, a later acknowledgement from the same router must not confirm the frame
    // before the refusal has arrived again: the frame would count as delivered, and the refusal,
    // coming after, as an answer to something already settled.
    [Fact]
    public void A_lost_refusal_is_never_overtaken_by_the_confirmation_of_its_frame()
    {
        var network = new SimNetwork(seed: 1, SimFaults.None);
        var (a, b) = (network.Add("a"), network.Add("b"));
        var world = new SimWorld(network);
        network.Run(TimeSpan.FromSeconds(1));
        world.Connect("alice", a);
        world.Connect("bob", b);
        network.Run(TimeSpan.FromMilliseconds(100));
        b.BusyRate = 1; // bob refuses everything
        var lost = 0;
        network.Lose = (from, to, message) => from == b && IsDataWith(message, EntryKind.Refusal) && ++lost == 1;

        world.Send("alice", "bob");
        network.Run(TimeSpan.FromSeconds(2));

        Assert.True(lost >= 2, "the refusal was lost once, and sent again");
        var message = Assert.Single(world.Messages);
        Assert.Equal(HydraErrorCode.Busy, Assert.Single(message.Answers).Code);
        Assert.Empty(world.Check());
    }

    [Fact]
    public void A_router_cut_off_is_unreachable_within_the_link_timeout_and_every_unconfirmed_frame_is_answered_once()
    {
        var network = new SimNetwork(seed: 2, SimFaults.None);
        var (a, b) = (network.Add("a"), network.Add("b"));
        var world = new SimWorld(network);
        network.Run(TimeSpan.FromSeconds(1));
        world.Connect("alice", a);
        world.Connect("bob", b);
        network.Run(TimeSpan.FromMilliseconds(100));

        world.SetCut(b, true);
        var cutAt = network.Clock.GetTimestamp();
        for (var i = 0; i < 50; i++)
        {
            world.Send("alice", "bob");
            network.Run(TimeSpan.FromMilliseconds(10));
        }
        network.Run(TimeSpan.FromSeconds(1.5));
        Assert.Equal(ClusterLinkState.Down, a.Node.Links.Single().State);
        Assert.All(world.Messages, m => Assert.Equal(HydraErrorCode.NotConfirmed, Assert.Single(m.Answers).Code));

        world.Send("alice", "bob"); // answered at once, and not unknown_target: bob is still connected, on a router out of reach
        Assert.Equal(HydraErrorCode.ClusterUnavailable, Assert.Single(world.Messages.Last().Answers).Code);
        Assert.True(network.Clock.GetElapsedTime(cutAt) < TimeSpan.FromSeconds(2.1));

        world.SetCut(b, false);
        network.Run(TimeSpan.FromSeconds(1));
        world.Send("alice", "bob");
        network.Run(TimeSpan.FromMilliseconds(100));
        Assert.Single(world.Messages.Last().DeliveredTo);
        Assert.Empty(world.Check());
    }

    [Fact]
    public void Sending_across_allocates_nothing_per_frame_on_either_side()
    {
        var clock = new FakeTimeProvider();
        var wire = new Wire();
        var a = new ClusterNode(SimNetwork.Options("a"), clock, wire, NullLogger.Instance);
        var b = new ClusterNode(SimNetwork.Options("b"), clock, wire, NullLogger.Instance);
        wire.Join(a, b);
        var bob = b.Claim(Bytes("bob"), key: null);
        a.Claim(Bytes("alice"), key: null);
        wire.Settle();
        Assert.True(bob.IsHeld);
        var frame = Bytes("""{"sender":"alice","target":"bob","method":"m","payload":{"pad":"0123456789012345678901234567890123456789"},"protocol_version":1}""");
        var target = Bytes("bob");

        var refused = 0;
        void Burst(int frames)
        {
            for (var i = 0; i < frames; i++)
            {
                refused += a.Send(target, frame, out _) == FederationSend.Sent ? 0 : 1; // no Assert in the loop: xunit's allocates
                if (i % 16 == 15)
                {
                    wire.Settle(); // a batch out, delivered, acknowledged
                }
            }
            wire.Settle();
        }

        Burst(20_000); // logs, pools and buffers reach their working size
        var before = GC.GetAllocatedBytesForCurrentThread();
        Burst(100_000);
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 100_000.0;
        Assert.Equal((0, 120_000L), (refused, wire.Delivered));
        Assert.True(perFrame < 0.1, $"{perFrame:F2} bytes per frame; a keeps {a.Links.Single().Log.Count} entries, b {b.Links.Single().Log.Count}");
    }

    /// <summary>Two nodes wired back to back, with buffers made once: what the nodes allocate is all that is measured.</summary>
    private sealed class Wire : IClusterOutput
    {
        private readonly Queue<(ClusterNode To, int Slot)> _inFlight = new();
        private readonly byte[][] _slots = Enumerable.Range(0, 64).Select(_ => new byte[256 * 1024]).ToArray();
        private readonly int[] _lengths = new int[64];
        private int _next;
        private ClusterNode _a = null!;
        private ClusterNode _b = null!;
        private ClusterNode? _publishing;

        public long Delivered { get; private set; }

        public bool IsBackedUp => false;

        public void Join(ClusterNode a, ClusterNode b)
        {
            (_a, _b) = (a, b);
            _publishing = a;
            a.ConnectionChanged(true, "connected");
            _publishing = b;
            b.ConnectionChanged(true, "connected");
            _publishing = null;
            Settle();
        }

        /// <summary>Flushes both until nothing is in flight.</summary>
        public void Settle()
        {
            do
            {
                Flush(_a);
                Flush(_b);
                while (_inFlight.TryDequeue(out var item))
                {
                    item.To.OnMessage(_slots[item.Slot].AsSpan(0, _lengths[item.Slot]));
                }
            }
            while (_inFlight.Count > 0);
        }

        private void Flush(ClusterNode node)
        {
            _publishing = node;
            node.Flush();
            _publishing = null;
        }

        public void Publish(string subject, OutgoingMessage message)
        {
            var from = _publishing!;
            var slot = _next++ % _slots.Length;
            _lengths[slot] = message.Length;
            message.WriteTo(_slots[slot]);
            var to = from == _a ? _b : _a;
            if (subject == to.PresenceSubject || subject == to.LinkSubject)
            {
                _inFlight.Enqueue((to, slot));
            }
        }

        public void RequestFlush()
        {
        }

        public void Deliver(ReadOnlySpan<byte> target, ReadOnlySpan<byte> frame, Link origin) => Delivered++;

        public void Refused(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> id, HydraErrorCode code, string detail) =>
            throw new InvalidOperationException($"refused: {code}: {detail}");

        public void Taken(NameHold hold, string router)
        {
        }

        public void Bound(string identity, string key)
        {
        }
    }
}
