using System.Text;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.State;

/// <summary>
/// What a name and a link cost a router in memory: the measured inputs of docs/cluster.md's
/// "Scale" (100 routers × 10,000 peers on paper). Alone in the process (the cluster collection),
/// so that the managed heap holds nothing of other tests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterScaleCostTests(ITestOutputHelper output)
{
    private const int Names = 20_000;

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public void A_name_held_on_another_router_costs_that_router_a_few_hundred_bytes()
    {
        var network = new SimNetwork(seed: 3, SimFaults.None);
        var (a, b) = (network.Add("a"), network.Add("b"));
        network.Run(TimeSpan.FromSeconds(1));
        var before = Heap();

        var holds = ClaimAndSpread(network, a, b);
        var bothKnow = Heap();
        Forget(b); // b's view is garbage now; a's stays
        var onlyHolderKnows = Heap();

        var remote = (double)(bothKnow - onlyHolderKnows) / Names;
        var held = (double)(onlyHolderKnows - before) / Names;
        output.WriteLine($"a name held on another router: {remote:0} B of managed heap on each router that knows it; held here: {held:0} B (with the name's bytes), {Names:N0} names");
        Assert.InRange(remote, 1, 1024);
        Assert.InRange(held, 1, 1024);
        GC.KeepAlive(holds);
    }

    // Apart from the test method, so that no hidden local of a debug build keeps b's old node alive.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<Hydra.Cluster.State.NameHold> ClaimAndSpread(SimNetwork network, SimRouter a, SimRouter b)
    {
        var holds = Enumerable.Range(0, Names).Select(i => a.Node.Claim(Encoding.UTF8.GetBytes($"peer-{i:D6}"), key: null)).ToList();
        network.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(Names, b.Node.Names.Count); // b knows every name a holds
        return holds;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Forget(SimRouter b) => b.Restart();

    [Fact]
    public void An_idle_link_to_another_router_costs_tens_of_kilobytes()
    {
        // n routers cost n × (a router) + n(n−1) × (a link): two sizes give both.
        var (ten, thirty) = (HeapOfIdleCluster(10), HeapOfIdleCluster(30));
        var link = (thirty - 3.0 * ten) / (30 * 29 - 3 * 10 * 9);
        output.WriteLine($"an idle link: {link:N0} B of managed heap on each side (10 routers: {ten / 1024.0:N0} KiB in all, 30: {thirty / 1024.0:N0} KiB)");
        Assert.InRange(link, 1, 128 * 1024); // mostly the log's first buffers (64 KiB of entries, 1,024 positions), kept so that steady traffic never grows them
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long HeapOfIdleCluster(int routers)
    {
        var before = Heap();
        var network = new SimNetwork(seed: routers, SimFaults.None);
        for (var i = 0; i < routers; i++)
        {
            network.Add($"r{i:D2}");
        }
        network.Run(TimeSpan.FromSeconds(2));
        Assert.All(network.Routers, router => Assert.Equal(routers - 1, router.Node.Links.Count(link => link.IsUp)));
        var after = Heap();
        GC.KeepAlive(network);
        return after - before;
    }
}
