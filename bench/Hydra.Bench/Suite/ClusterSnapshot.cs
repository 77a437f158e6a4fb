using System.Diagnostics;

namespace Hydra.Bench.Suite;

/// <summary>The cluster's counters at one moment: both routers' stats and CPU, nats-server's CPU, and this process's.</summary>
internal sealed record ClusterSnapshot(RouterStats A, RouterStats B, TimeSpan CpuA, TimeSpan CpuB, TimeSpan CpuNatsServer, TimeSpan CpuSelf)
{
    public static ClusterSnapshot Take(ClusterUnderTest cluster)
    {
        using var self = Process.GetCurrentProcess();
        return new(cluster.RouterA.Stats()!, cluster.RouterB.Stats()!, cluster.RouterA.CpuTime(), cluster.RouterB.CpuTime(), cluster.NatsCpuTime(), self.TotalProcessorTime);
    }
}

/// <summary>
/// One throughput run of the cluster comparison (local, cross or NATS alone), per delivered
/// message; NaN where it does not apply (no router in NATS alone; no NATS.Net client in this
/// process for local and cross).
/// </summary>
/// <param name="RoutingThreadBytes">Both routers' routing threads, NATS.Net's publishing on them included.</param>
/// <param name="NatsClientBytes">The part of <paramref name="RoutingThreadBytes"/> allocated inside NATS.Net's PublishAsync.</param>
/// <param name="ProcessBytes">Both router processes, every thread.</param>
/// <param name="LoadgenCpu">Local and cross: the C++ load generator's own (it shares the cores).</param>
/// <param name="NatsClientCpu">NATS alone: this process, which holds both NATS.Net connections.</param>
/// <param name="Resent">Link entries both routers sent again during the run (a count, not per message).</param>
internal sealed record PathSample(
    double Rate,
    double RouterACpu,
    double RouterBCpu,
    double NatsServerCpu,
    double LoadgenCpu,
    double NatsClientCpu,
    double RoutingThreadBytes,
    double NatsClientBytes,
    double ProcessBytes,
    double Resent = double.NaN)
{
    /// <summary>What Hydra's own code allocated on the routing threads: all they allocated, less NATS.Net's part.</summary>
    public double HydraOwnBytes => RoutingThreadBytes - NatsClientBytes;

    /// <summary>All the CPU a message took on the machine: routers, nats-server, and the load generator or NATS alone's clients.</summary>
    public double AllCpu => (double.IsNaN(RouterACpu) ? 0 : RouterACpu + RouterBCpu) + NatsServerCpu + (double.IsNaN(LoadgenCpu) ? NatsClientCpu : LoadgenCpu);

    public static PathSample Between(ClusterSnapshot before, ClusterSnapshot after, double rate, long delivered, TimeSpan loadgenCpu)
    {
        double PerMessage(long value) => value / (double)Math.Max(1, delivered);
        double Micros(TimeSpan cpu) => cpu.TotalMicroseconds / Math.Max(1, delivered);
        return new PathSample(
            rate,
            Micros(after.CpuA - before.CpuA),
            Micros(after.CpuB - before.CpuB),
            Micros(after.CpuNatsServer - before.CpuNatsServer),
            Micros(loadgenCpu),
            double.NaN,
            PerMessage(after.A.PollerAllocated - before.A.PollerAllocated + after.B.PollerAllocated - before.B.PollerAllocated),
            PerMessage(after.A.NatsAllocated - before.A.NatsAllocated + after.B.NatsAllocated - before.B.NatsAllocated),
            PerMessage(after.A.ProcessAllocated - before.A.ProcessAllocated + after.B.ProcessAllocated - before.B.ProcessAllocated),
            after.A.Resent - before.A.Resent + after.B.Resent - before.B.Resent);
    }
}
