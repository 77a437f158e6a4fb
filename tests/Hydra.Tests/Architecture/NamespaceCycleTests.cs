using Xunit.Abstractions;

namespace Hydra.Tests.Architecture;

/// <summary>
/// The library's layers (Protocol, Transport, Routing, Cluster, Mq, …) use each other in one
/// direction only, so each can be read, tested and changed without the ones above it. The root
/// namespace, <c>Hydra</c>, is the public API (what a user's <c>using Hydra;</c> brings): the
/// vocabulary every layer speaks (HydraMsg, the options, the errors) and the facades built on the
/// layers (RouterEngine, HydraMQ, the peers), so it is left out; a new cycle among the layers fails
/// here, naming a use on each edge of it (docs/architecture.md).
/// </summary>
public sealed class NamespaceCycleTests(ITestOutputHelper output)
{
    [Fact]
    public void The_library_s_layers_use_each_other_without_a_cycle()
    {
        var graph = NamespaceGraph.Of(typeof(RouterEngine).Assembly);
        foreach (var (from, edges) in graph.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} → {string.Join(", ", edges.Keys.Order(StringComparer.Ordinal))}");
        }
        graph.Remove("Hydra");
        foreach (var edges in graph.Values)
        {
            edges.Remove("Hydra");
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
