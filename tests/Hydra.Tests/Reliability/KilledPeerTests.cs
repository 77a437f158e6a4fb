using System.Diagnostics;
using System.Globalization;
using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;
using Xunit.Abstractions;

namespace Hydra.Tests.Reliability;

/// <summary>A <c>hydra pong</c> process that dies (or freezes) without quitting, and one that takes its name.</summary>
public class KilledPeerTests(ITestOutputHelper output)
{
    // hydra pong heartbeats every 5 s (the default; the command has no flag for it). With the
    // router's interval at 3 s a live pong stays GOOD (seen within 6 s); a dead one is OK after
    // 6 s, BAD after 9 s and pruned after 10 s.
    private static readonly RouterOptions Options = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(3),
        PruneAfter = TimeSpan.FromSeconds(10),
    };

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_killed_peer_goes_ok_then_bad_then_is_pruned_and_a_new_process_takes_its_name(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport, Options);
        await using var client = new HydraClient(router.PeerOptions() with { NetworkTimeout = TimeSpan.FromSeconds(1) }); // pings again after 1 s
        await client.StartAsync();
        await using (var first = StartPong(router, "Victim"))
        {
            await WaitForStatus(router, "Victim", ClientStatus.Good);
            Assert.Equal("Victim", (await client.PingAsync("Victim")).Reply.Sender);
            first.Signal("KILL");
            await first.WaitForExitAsync();
        }

        var seen = await StatusesUntilPruned(router, "Victim", TimeSpan.FromSeconds(30));
        output.WriteLine("after SIGKILL: " + string.Join(" -> ", seen));
        Assert.Equal(["GOOD", "OK", "BAD", "pruned"], seen);

        await using var second = StartPong(router, "Victim");
        await WaitForStatus(router, "Victim", ClientStatus.Good);
        Assert.Equal("Victim", (await client.PingAsync("Victim")).Reply.Sender);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_new_process_takes_over_the_name_of_a_frozen_one_whose_connection_is_still_open(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport, Options);
        await using var client = new HydraClient(router.PeerOptions() with { NetworkTimeout = TimeSpan.FromSeconds(1) }); // pings again after 1 s
        await client.StartAsync();
        await using var frozen = StartPong(router, "Frozen");
        await WaitForStatus(router, "Frozen", ClientStatus.Good);
        frozen.Signal("STOP"); // its TCP connections stay open, so the router still has a route for the name

        // Without RouterHandover the router would keep routing "Frozen" to the stopped process and this ping would time out.
        await using var replacement = StartPong(router, "Frozen");
        await replacement.WaitForLineAsync(l => l.Contains("Frozen: connected to the router", StringComparison.Ordinal), "the replacement connected");
        var reply = await Eventually.ValueAsync(() => TryPing(client, "Frozen"), r => r is not null, "a pong from the replacement", TimeSpan.FromSeconds(20));
        Assert.Equal("Frozen", reply!.Reply.Sender);
        frozen.Signal("CONT"); // let it be killed cleanly on dispose
    }

    private static ChildProcess StartPong(RouterEngine router, string identity) =>
        ChildProcess.Hydra("pong", "--router", "127.0.0.1", "--port", router.Port.ToString(CultureInfo.InvariantCulture),
            "--heartbeat-port", router.HeartbeatPort.ToString(CultureInfo.InvariantCulture), "--id", identity,
            "--transport", router.Options.Transport.ToString().ToLowerInvariant());

    private static Task WaitForStatus(RouterEngine router, string identity, ClientStatus status) =>
        Eventually.ValueAsync(() => router.GetClientsAsync(), rows => rows.Any(r => r.Identity == identity && r.Status == status),
            $"{identity} to be {status}", TimeSpan.FromSeconds(20));

    private static async Task<PingResult?> TryPing(HydraClient client, string target)
    {
        try
        {
            return await client.PingAsync(target);
        }
        catch (HydraException)
        {
            return null; // timed out (still routed to the frozen one) or unknown yet
        }
    }

    /// <summary>Each change of the row's status, polled every 50 ms, until the row is gone.</summary>
    private static async Task<List<string>> StatusesUntilPruned(RouterEngine router, string identity, TimeSpan deadline)
    {
        var seen = new List<string>();
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(deadline);
        while (true)
        {
            var row = (await router.GetClientsAsync(timeout.Token)).FirstOrDefault(r => r.Identity == identity);
            var now = row?.Status.ToLabel() ?? "pruned";
            if (seen.Count == 0 || seen[^1] != now)
            {
                seen.Add(now);
            }
            if (row is null)
            {
                return seen;
            }
            if (Stopwatch.GetElapsedTime(started) > deadline)
            {
                throw new TimeoutException($"{identity} not pruned within {deadline}; statuses so far: {string.Join(" -> ", seen)}");
            }
            await Task.Delay(50, timeout.Token); // polling interval, not synchronisation
        }
    }
}
