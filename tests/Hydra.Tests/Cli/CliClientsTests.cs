using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hydra.Cluster;
using Hydra.Mq;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Tests.Cluster;
using Hydra.Transport;

namespace Hydra.Tests.Cli;

/// <summary><c>hydra clients</c> as a user runs it: a child process asking a real router who is connected.</summary>
public class CliClientsTests
{
    internal static string[] Connect(RouterEngine router) =>
    [
        "--router", "127.0.0.1", "--port", router.Port.ToString(CultureInfo.InvariantCulture),
        "--heartbeat-port", router.HeartbeatPort.ToString(CultureInfo.InvariantCulture), "--transport", router.Options.Transport.ToString().ToLowerInvariant(),
    ];

    internal static async Task<HydraMQ> ConnectedPeerAsync(RouterEngine router, string identity)
    {
        var peer = router.StartPeer(identity);
        await peer.WaitUntilConnectedAsync();
        return peer;
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Clients_prints_a_row_per_connected_peer(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var alice = await ConnectedPeerAsync(router, "alice");
        await using var bob = await ConnectedPeerAsync(router, "bob");

        await using var clients = ChildProcess.Hydra(["clients", .. Connect(router), "--id", "ops"]);
        Assert.Equal(0, await clients.WaitForExitAsync());
        var lines = clients.Output.Split('\n');
        Assert.Matches(@"^IDENTITY +STATUS +LAST SEEN +IN +OUT$", lines[0]);
        Assert.Matches(@"^alice +GOOD +\d+\.\d s +\d+ +\d+$", lines[1]);
        Assert.Matches(@"^bob +GOOD +\d+\.\d s +\d+ +\d+$", lines[2]);
        Assert.StartsWith("ops ", lines[3], StringComparison.Ordinal); // the command itself is connected too
        Assert.Equal("3 clients", lines[4]);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Clients_json_gives_the_rows_as_the_router_sends_them(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var alice = await ConnectedPeerAsync(router, "alice");

        await using var clients = ChildProcess.Hydra(["clients", .. Connect(router), "--json", "--id", "ops"]);
        Assert.Equal(0, await clients.WaitForExitAsync());
        var result = JsonNode.Parse(clients.Output)!.AsObject();
        Assert.Equal(2, (int)result["total"]!);
        var row = result["clients"]!.AsArray().Single(r => (string?)r!["identity"] == "alice")!;
        Assert.Equal(("GOOD", true), ((string?)row["status"], (bool)row["connected"]!));
        Assert.True((long)row["messages_in"]! > 0 && (double)row["last_seen_s"]! >= 0);
    }

    [Fact]
    public async Task Clients_pages_through_a_table_larger_than_a_page()
    {
        await using var router = TestRouter.Start();
        var peers = new List<HydraMQ>();
        try
        {
            foreach (var name in new[] { "p1", "p2", "p3", "p4" })
            {
                peers.Add(await ConnectedPeerAsync(router, name));
            }
            await using var clients = ChildProcess.Hydra(["clients", .. Connect(router), "--page-size", "2", "--id", "ops"]);
            Assert.Equal(0, await clients.WaitForExitAsync());
            var identities = clients.Output.Split('\n').Skip(1).SkipLast(1).Select(line => line.Split(' ')[0]);
            Assert.Equal(["ops", "p1", "p2", "p3", "p4"], identities);
            Assert.EndsWith("5 clients", clients.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Clients_without_a_router_is_one_error_line_and_exit_1()
    {
        await using var clients = ChildProcess.Hydra("clients", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2", "--timeout", "0.3");
        Assert.Equal(1, await clients.WaitForExitAsync());
        Assert.StartsWith("ERROR: no answer from the router at 127.0.0.1:1 within 0.3 s", Assert.Single(clients.Output.Split('\n')), StringComparison.Ordinal);
    }
}

/// <summary>In a cluster, <c>hydra clients</c> shows every router's clients and the router each is on.</summary>
[Collection(ClusterCollection.Name)]
public class CliClusterClientsTests
{
    [NatsFact]
    public async Task Clients_in_a_cluster_has_a_router_column()
    {
        await using var nats = await NatsServer.StartAsync();
        var routers = await ClusterRouters.StartAllAsync(nats.Url, "east", "west");
        try
        {
            await using var alice = await CliClientsTests.ConnectedPeerAsync(routers[0], "alice");
            await using var bob = await CliClientsTests.ConnectedPeerAsync(routers[1], "bob");
            await ClusterRouters.WaitForClientAsync(routers[0], "bob", "west");

            await using var clients = ChildProcess.Hydra(["clients", .. CliClientsTests.Connect(routers[0]), "--id", "ops"]);
            Assert.Equal(0, await clients.WaitForExitAsync());
            var lines = clients.Output.Split('\n');
            Assert.Matches(@"^IDENTITY +STATUS +LAST SEEN +IN +OUT +ROUTER$", lines[0]);
            Assert.Contains(lines, l => Regex.IsMatch(l, @"^alice +GOOD +.* east$"));
            Assert.Contains(lines, l => Regex.IsMatch(l, @"^bob +GOOD +.* west$"));
        }
        finally
        {
            await ClusterRouters.DisposeAllAsync(routers);
        }
    }
}
