using Xunit.Abstractions;

namespace Hydra.Tests.Architecture;

/// <summary>
/// The library's layers (Protocol, Transport, Routing, Cluster, Mq, …) use each other in one
/// direction only, so each can be read, tested and changed without the ones above it. A new
/// cycle fails here, naming a use on each edge of it.
/// </summary>
public sealed class NamespaceCycleTests(ITestOutputHelper output)
{
    /// <summary>Uses that close a cycle today, each with why it stays for now. Remove an entry when its use goes.</summary>
    private static readonly Dictionary<(string From, string To), string> Known = new()
    {
        [("Hydra", "Hydra.Messages")] = "HydraRemoteException carries the HydraMsg reply; HydraMsg joins the root namespace with the public API (issue 18)",
    };

    [Fact]
    public void The_library_s_layers_use_each_other_without_a_cycle()
    {
        var graph = NamespaceGraph.Of(typeof(Hydra.Routing.RouterEngine).Assembly);
        foreach (var (from, edges) in graph.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} → {string.Join(", ", edges.Keys.Order(StringComparer.Ordinal))}");
        }
        foreach (var (from, to) in Known.Keys)
        {
            Assert.True(graph.GetValueOrDefault(from)?.Remove(to) == true, $"{from} no longer uses {to}: remove it from Known");
        }

        var cycles = NamespaceGraph.Cycles(graph);

        Assert.True(cycles.Count == 0, "cycles between layers:\n" + string.Join("\n", cycles.Select(cycle =>
            string.Join(" → ", cycle) + ": " + string.Join("; ", cycle.Zip(cycle.Skip(1), (a, b) => graph[a][b])))));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_names_its_uses()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>
        {
            ["A"] = new() { ["B"] = "a uses b" },
            ["B"] = new() { ["C"] = "b uses c" },
            ["C"] = new() { ["A"] = "c uses a" },
            ["D"] = new() { ["A"] = "d uses a" },
        };

        var cycle = Assert.Single(NamespaceGraph.Cycles(graph));

        Assert.Equal(["A", "B", "C", "A"], cycle);
    }
}
