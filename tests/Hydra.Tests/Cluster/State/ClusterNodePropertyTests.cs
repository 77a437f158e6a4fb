using CsCheck;
using Xunit.Abstractions;

namespace Hydra.Tests.Cluster.State;

/// <summary>
/// The cluster's state machine through random interleavings: peers connect, move, leave and send;
/// NATS loses, repeats, delays and reorders messages; routers are cut off and come back, or are
/// killed and start again. Whatever happened, once the network has healed and settled: nothing was
/// lost silently, nothing arrived twice, nothing out of order, and the newest connection of every
/// name holds it, as every router agrees (<see cref="SimWorld.Check"/>).
/// </summary>
public sealed class ClusterNodePropertyTests(ITestOutputHelper output)
{
    private static readonly string[] Peers = ["p0", "p1", "p2", "p3", "p4", "p5"];
    private static readonly string[] RouterIds = ["a", "b", "c"];

    private abstract record Op;

    private sealed record Connect(int Peer, int Router) : Op;

    private sealed record Disconnect(int Peer) : Op;

    private sealed record Send(int From, int To, int Count) : Op;

    private sealed record Wait(int Milliseconds) : Op;

    private sealed record CutOff(int Router, int Milliseconds) : Op;

    private sealed record LoseNats(int Router, int Milliseconds) : Op;

    private sealed record Crash(int Router) : Op;

    private static readonly Gen<Op> AnyOp = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, Peers.Length - 1], Gen.Int[0, RouterIds.Length - 1], (peer, router) => (Op)new Connect(peer, router))),
        (1, Gen.Int[0, Peers.Length - 1].Select(peer => (Op)new Disconnect(peer))),
        (10, Gen.Select(Gen.Int[0, Peers.Length - 1], Gen.Int[0, Peers.Length - 1], Gen.Int[1, 20], (from, to, count) => (Op)new Send(from, to, count))),
        (4, Gen.Int[5, 400].Select(ms => (Op)new Wait(ms))),
        (1, Gen.Select(Gen.Int[0, RouterIds.Length - 1], Gen.Int[100, 4_000], (router, ms) => (Op)new CutOff(router, ms))),
        (1, Gen.Select(Gen.Int[0, RouterIds.Length - 1], Gen.Int[50, 3_000], (router, ms) => (Op)new LoseNats(router, ms))),
        (1, Gen.Int[0, RouterIds.Length - 1].Select(router => (Op)new Crash(router))));

    private static readonly Gen<SimFaults> AnyFaults = Gen.Select(Gen.Int[0, 10], Gen.Int[0, 10], Gen.Int[0, 30],
        (drop, duplicate, delay) => new SimFaults(drop / 100.0, duplicate / 100.0, delay));

    [Fact]
    public void Nothing_is_lost_silently_delivered_twice_or_out_of_order_and_the_newest_connection_wins()
    {
        Gen.Select(Gen.Int, AnyFaults, Gen.Int[0, 10], AnyOp.Array[10, 80])
            .Sample((seed, faults, busyPercent, ops) =>
            {
                var problems = Run(seed, faults, busyPercent / 100.0, ops);
                Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
            }, iter: 1000, threads: 1, print: t => $"seed {t.Item1}, {t.Item2}, busy {t.Item3} %, ops: {string.Join(", ", t.Item4.Select(op => op.ToString()))}");
        output.WriteLine("150 random runs passed");
    }

    /// <summary>Runs a case as the property prints it ("seed …, SimFaults { … }, busy … %, ops: …"): how a failure is replayed, and kept.</summary>
    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_case_found_once_stays_fixed(string printed)
    {
        var (seed, faults, busy, ops) = Parse(printed);
        var trace = Environment.GetEnvironmentVariable("HYDRA_SIM_TRACE");
        var problems = Run(seed, faults, busy / 100.0, ops, trace is null ? null : []);
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
    }

    public static TheoryData<string> Regressions() => [.. RegressionCases];

    private static readonly string[] RegressionCases =
    [
        "seed 1481114153, SimFaults { DropRate = 0.07, DuplicateRate = 0.08, MaxDelayMs = 6 }, busy 3 %, ops: Send { From = 1, To = 1, Count = 1 }, Wait { Milliseconds = 214 }, Send { From = 2, To = 1, Count = 15 }, Send { From = 1, To = 1, Count = 3 }, Connect { Peer = 2, Router = 1 }, Wait { Milliseconds = 396 }, Connect { Peer = 3, Router = 2 }, Connect { Peer = 3, Router = 1 }, Send { From = 4, To = 0, Count = 2 }, Send { From = 0, To = 0, Count = 11 }, Send { From = 4, To = 1, Count = 11 }, Send { From = 4, To = 5, Count = 18 }, Send { From = 0, To = 0, Count = 1 }, Connect { Peer = 5, Router = 2 }, Wait { Milliseconds = 242 }, Wait { Milliseconds = 273 }, Send { From = 3, To = 5, Count = 1 }, Wait { Milliseconds = 30 }, Send { From = 1, To = 5, Count = 12 }, Connect { Peer = 0, Router = 0 }, Send { From = 3, To = 2, Count = 19 }, Send { From = 5, To = 3, Count = 6 }, LoseNats { Router = 0, Milliseconds = 1358 }, Send { From = 3, To = 5, Count = 17 }, Wait { Milliseconds = 303 }, Send { From = 4, To = 1, Count = 4 }, Send { From = 1, To = 0, Count = 11 }, Connect { Peer = 2, Router = 2 }, Wait { Milliseconds = 231 }, Crash { Router = 2 }, Wait { Milliseconds = 115 }, Connect { Peer = 0, Router = 0 }, Send { From = 3, To = 3, Count = 3 }, Send { From = 5, To = 3, Count = 17 }, Send { From = 1, To = 3, Count = 14 }, Wait { Milliseconds = 349 }, CutOff { Router = 2, Milliseconds = 151 }, Send { From = 5, To = 0, Count = 20 }, Send { From = 3, To = 5, Count = 18 }, Wait { Milliseconds = 352 }, Send { From = 4, To = 0, Count = 18 }, Send { From = 3, To = 5, Count = 6 }, Wait { Milliseconds = 302 }, Send { From = 4, To = 3, Count = 17 }, Connect { Peer = 5, Router = 0 }, Send { From = 5, To = 1, Count = 7 }, Send { From = 5, To = 4, Count = 3 }, Send { From = 4, To = 5, Count = 16 }, Send { From = 5, To = 0, Count = 4 }, Send { From = 0, To = 3, Count = 7 }, Send { From = 4, To = 0, Count = 1 }, Send { From = 1, To = 5, Count = 4 }, Send { From = 2, To = 1, Count = 15 }, Send { From = 5, To = 2, Count = 7 }, Connect { Peer = 4, Router = 0 }, Send { From = 3, To = 2, Count = 7 }, Wait { Milliseconds = 103 }",
        "seed 181011428, SimFaults { DropRate = 0.05, DuplicateRate = 0.06, MaxDelayMs = 16 }, busy 8 %, ops: Connect { Peer = 1, Router = 1 }, Connect { Peer = 4, Router = 2 }, Send { From = 2, To = 1, Count = 3 }, Wait { Milliseconds = 244 }, Connect { Peer = 1, Router = 1 }, Connect { Peer = 4, Router = 0 }, Wait { Milliseconds = 191 }, Send { From = 5, To = 0, Count = 19 }, Connect { Peer = 0, Router = 2 }, Wait { Milliseconds = 188 }, Wait { Milliseconds = 203 }, Connect { Peer = 5, Router = 2 }, Send { From = 2, To = 3, Count = 8 }, Wait { Milliseconds = 272 }, Connect { Peer = 1, Router = 2 }, Connect { Peer = 2, Router = 0 }, Wait { Milliseconds = 113 }, Send { From = 4, To = 4, Count = 7 }, Send { From = 3, To = 3, Count = 3 }, Send { From = 3, To = 2, Count = 15 }, Send { From = 5, To = 4, Count = 12 }, Connect { Peer = 5, Router = 0 }, Wait { Milliseconds = 312 }, Send { From = 0, To = 2, Count = 9 }",
        "seed 18014175, SimFaults { DropRate = 0.05, DuplicateRate = 0.01, MaxDelayMs = 16 }, busy 4 %, ops: Send { From = 1, To = 5, Count = 5 }, Send { From = 5, To = 0, Count = 10 }, Send { From = 3, To = 0, Count = 16 }, Send { From = 0, To = 2, Count = 4 }, Wait { Milliseconds = 108 }, Connect { Peer = 1, Router = 0 }, Connect { Peer = 0, Router = 2 }, Send { From = 0, To = 5, Count = 19 }, Send { From = 0, To = 4, Count = 19 }, Send { From = 0, To = 1, Count = 20 }, Connect { Peer = 2, Router = 2 }, Send { From = 4, To = 0, Count = 3 }, Send { From = 5, To = 4, Count = 17 }, Send { From = 2, To = 1, Count = 20 }, Disconnect { Peer = 0 }, Send { From = 2, To = 0, Count = 12 }, Connect { Peer = 1, Router = 1 }, Send { From = 4, To = 5, Count = 11 }, Connect { Peer = 0, Router = 1 }, CutOff { Router = 2, Milliseconds = 210 }, Wait { Milliseconds = 138 }, CutOff { Router = 2, Milliseconds = 100 }, Send { From = 4, To = 3, Count = 13 }, Send { From = 3, To = 3, Count = 7 }, Send { From = 4, To = 2, Count = 8 }, Connect { Peer = 5, Router = 2 }, Connect { Peer = 4, Router = 1 }, Send { From = 5, To = 1, Count = 19 }, Send { From = 1, To = 1, Count = 9 }, Send { From = 5, To = 0, Count = 9 }, Send { From = 5, To = 0, Count = 1 }, CutOff { Router = 1, Milliseconds = 837 }, Connect { Peer = 1, Router = 2 }, Send { From = 3, To = 4, Count = 3 }, Send { From = 5, To = 5, Count = 14 }, CutOff { Router = 2, Milliseconds = 675 }, Wait { Milliseconds = 317 }",
        "seed 2473615, SimFaults { DropRate = 0.04, DuplicateRate = 0.04, MaxDelayMs = 25 }, busy 3 %, ops: Send { From = 5, To = 0, Count = 11 }, Connect { Peer = 4, Router = 2 }, Send { From = 0, To = 0, Count = 20 }, CutOff { Router = 2, Milliseconds = 244 }, Send { From = 0, To = 4, Count = 10 }, Send { From = 0, To = 2, Count = 16 }, Wait { Milliseconds = 137 }, Wait { Milliseconds = 145 }, Connect { Peer = 3, Router = 0 }, Wait { Milliseconds = 53 }, Send { From = 1, To = 5, Count = 14 }, Send { From = 5, To = 4, Count = 10 }, CutOff { Router = 1, Milliseconds = 3336 }, CutOff { Router = 1, Milliseconds = 3867 }, Connect { Peer = 2, Router = 0 }, Wait { Milliseconds = 160 }, Send { From = 0, To = 0, Count = 4 }, Send { From = 2, To = 0, Count = 10 }, Send { From = 0, To = 5, Count = 19 }, Send { From = 4, To = 1, Count = 7 }, Send { From = 2, To = 1, Count = 19 }, Send { From = 3, To = 4, Count = 6 }, Connect { Peer = 0, Router = 2 }, Wait { Milliseconds = 82 }, Send { From = 3, To = 4, Count = 3 }, Send { From = 0, To = 0, Count = 17 }",
        "seed 171, SimFaults { DropRate = 0.04, DuplicateRate = 0, MaxDelayMs = 0 }, busy 1 %, ops: CutOff { Router = 2, Milliseconds = 3157 }, CutOff { Router = 2, Milliseconds = 1827 }, Send { From = 0, To = 5, Count = 9 }, Connect { Peer = 0, Router = 1 }, Connect { Peer = 1, Router = 0 }, Connect { Peer = 0, Router = 2 }, Connect { Peer = 0, Router = 0 }, Send { From = 3, To = 4, Count = 16 }, CutOff { Router = 2, Milliseconds = 1618 }, Send { From = 0, To = 2, Count = 14 }, Send { From = 5, To = 4, Count = 10 }, Send { From = 5, To = 4, Count = 12 }, Disconnect { Peer = 0 }, Send { From = 5, To = 1, Count = 10 }, Wait { Milliseconds = 7 }, Send { From = 3, To = 2, Count = 10 }, Send { From = 1, To = 3, Count = 14 }, Send { From = 0, To = 5, Count = 14 }, Connect { Peer = 3, Router = 1 }, Connect { Peer = 2, Router = 2 }, Connect { Peer = 4, Router = 0 }, Wait { Milliseconds = 248 }, Wait { Milliseconds = 205 }, Send { From = 3, To = 3, Count = 1 }, Wait { Milliseconds = 400 }, Wait { Milliseconds = 94 }, Send { From = 3, To = 3, Count = 13 }, Wait { Milliseconds = 281 }, Send { From = 5, To = 3, Count = 19 }, Send { From = 2, To = 3, Count = 18 }",
        "seed -1130, SimFaults { DropRate = 0, DuplicateRate = 0.03, MaxDelayMs = 25 }, busy 7 %, ops: Send { From = 4, To = 3, Count = 7 }, Disconnect { Peer = 1 }, CutOff { Router = 2, Milliseconds = 2487 }, Send { From = 1, To = 5, Count = 9 }, Wait { Milliseconds = 88 }, Wait { Milliseconds = 247 }, Send { From = 1, To = 5, Count = 10 }, CutOff { Router = 2, Milliseconds = 3357 }, Connect { Peer = 1, Router = 1 }, Send { From = 3, To = 4, Count = 15 }, Send { From = 1, To = 5, Count = 1 }, Wait { Milliseconds = 352 }, Wait { Milliseconds = 28 }, Send { From = 0, To = 4, Count = 20 }, Send { From = 5, To = 2, Count = 18 }, Send { From = 3, To = 5, Count = 11 }, Crash { Router = 1 }, Connect { Peer = 3, Router = 0 }, Send { From = 4, To = 1, Count = 8 }, Send { From = 5, To = 0, Count = 11 }, Wait { Milliseconds = 344 }, Connect { Peer = 0, Router = 0 }, Connect { Peer = 2, Router = 1 }, Send { From = 2, To = 4, Count = 5 }, Send { From = 4, To = 4, Count = 17 }, Send { From = 0, To = 2, Count = 2 }, Send { From = 2, To = 2, Count = 15 }, Send { From = 4, To = 5, Count = 15 }, Wait { Milliseconds = 250 }, Disconnect { Peer = 0 }, Send { From = 4, To = 4, Count = 1 }, Send { From = 0, To = 5, Count = 7 }, Wait { Milliseconds = 205 }, Wait { Milliseconds = 395 }, Connect { Peer = 1, Router = 1 }, Wait { Milliseconds = 161 }, Send { From = 5, To = 5, Count = 11 }, Send { From = 5, To = 5, Count = 4 }, Connect { Peer = 1, Router = 1 }, Connect { Peer = 1, Router = 0 }, Connect { Peer = 4, Router = 0 }, Send { From = 2, To = 1, Count = 20 }, Connect { Peer = 0, Router = 1 }, Wait { Milliseconds = 326 }, Wait { Milliseconds = 215 }, Send { From = 0, To = 0, Count = 3 }, Send { From = 1, To = 5, Count = 10 }, Connect { Peer = 4, Router = 0 }, Send { From = 2, To = 2, Count = 2 }, Send { From = 1, To = 2, Count = 18 }, Connect { Peer = 5, Router = 2 }, Send { From = 5, To = 1, Count = 17 }, Send { From = 2, To = 1, Count = 18 }, Connect { Peer = 0, Router = 2 }, Send { From = 2, To = 1, Count = 9 }, Wait { Milliseconds = 334 }, Wait { Milliseconds = 269 }, Send { From = 4, To = 5, Count = 3 }, Send { From = 0, To = 1, Count = 10 }, CutOff { Router = 0, Milliseconds = 3815 }, Crash { Router = 2 }, Send { From = 3, To = 4, Count = 13 }, Connect { Peer = 3, Router = 0 }, Wait { Milliseconds = 319 }, Wait { Milliseconds = 375 }, Wait { Milliseconds = 30 }, Send { From = 1, To = 1, Count = 6 }, Send { From = 1, To = 2, Count = 4 }, Send { From = 1, To = 4, Count = 4 }, Connect { Peer = 0, Router = 2 }, Connect { Peer = 2, Router = 0 }, Send { From = 2, To = 0, Count = 12 }, Send { From = 1, To = 1, Count = 17 }, Send { From = 3, To = 2, Count = 5 }",
        "seed 444934145, SimFaults { DropRate = 0.04, DuplicateRate = 0.05, MaxDelayMs = 7 }, busy 7 %, ops: Send { From = 3, To = 4, Count = 1 }, Disconnect { Peer = 3 }, Send { From = 5, To = 1, Count = 7 }, Send { From = 1, To = 2, Count = 19 }, Send { From = 3, To = 5, Count = 10 }, Send { From = 4, To = 2, Count = 18 }, Wait { Milliseconds = 149 }, Send { From = 3, To = 5, Count = 3 }, Connect { Peer = 4, Router = 0 }, Send { From = 4, To = 3, Count = 3 }, Crash { Router = 2 }, Wait { Milliseconds = 170 }, Connect { Peer = 1, Router = 0 }, Wait { Milliseconds = 255 }, Send { From = 5, To = 1, Count = 8 }, Send { From = 5, To = 4, Count = 14 }, Send { From = 3, To = 2, Count = 18 }, Crash { Router = 1 }, Send { From = 2, To = 0, Count = 5 }, Send { From = 3, To = 0, Count = 4 }, Send { From = 4, To = 1, Count = 7 }, Send { From = 2, To = 3, Count = 10 }, Connect { Peer = 1, Router = 1 }, Send { From = 1, To = 1, Count = 14 }, Send { From = 0, To = 1, Count = 10 }, Wait { Milliseconds = 116 }, Send { From = 5, To = 3, Count = 8 }, Connect { Peer = 4, Router = 1 }, Send { From = 5, To = 5, Count = 17 }, Connect { Peer = 2, Router = 2 }, Send { From = 5, To = 0, Count = 18 }, CutOff { Router = 2, Milliseconds = 830 }, Send { From = 4, To = 3, Count = 5 }, Send { From = 1, To = 2, Count = 2 }, Wait { Milliseconds = 66 }, Send { From = 2, To = 2, Count = 9 }, Send { From = 1, To = 3, Count = 4 }, Crash { Router = 0 }, Send { From = 1, To = 4, Count = 5 }, Send { From = 2, To = 1, Count = 11 }, Send { From = 5, To = 1, Count = 2 }, Connect { Peer = 1, Router = 0 }, Send { From = 3, To = 3, Count = 13 }, Send { From = 3, To = 1, Count = 14 }, Send { From = 4, To = 4, Count = 6 }, Send { From = 5, To = 5, Count = 12 }, CutOff { Router = 0, Milliseconds = 1059 }, Disconnect { Peer = 1 }, Send { From = 3, To = 5, Count = 18 }",
    ];

    private static (int Seed, SimFaults Faults, int Busy, Op[] Ops) Parse(string printed)
    {
        int Number(string pattern) => int.Parse(System.Text.RegularExpressions.Regex.Match(printed, pattern).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        double Real(string pattern) => double.Parse(System.Text.RegularExpressions.Regex.Match(printed, pattern).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var faults = new SimFaults(Real(@"DropRate = ([\d.]+)"), Real(@"DuplicateRate = ([\d.]+)"), Number(@"MaxDelayMs = (\d+)"));
        var ops = System.Text.RegularExpressions.Regex.Matches(printed[printed.IndexOf("ops:", StringComparison.Ordinal)..], @"(\w+) \{ ([^}]*) \}")
            .Select(m =>
            {
                var values = System.Text.RegularExpressions.Regex.Matches(m.Groups[2].Value, @"= (\d+)").Select(v => int.Parse(v.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                return (Op)(m.Groups[1].Value switch
                {
                    "Connect" => new Connect(values[0], values[1]),
                    "Disconnect" => new Disconnect(values[0]),
                    "Send" => new Send(values[0], values[1], values[2]),
                    "Wait" => new Wait(values[0]),
                    "CutOff" => new CutOff(values[0], values[1]),
                    "LoseNats" => new LoseNats(values[0], values[1]),
                    "Crash" => new Crash(values[0]),
                    var other => throw new FormatException(other),
                });
            }).ToArray();
        return (Number(@"seed (-?\d+)"), faults, Number(@"busy (\d+) %"), ops);
    }

    private static List<string> Run(int seed, SimFaults faults, double busyRate, Op[] ops, List<string>? trace = null)
    {
        var network = new SimNetwork(seed, faults) { Trace = trace };
        var routers = RouterIds.Select(network.Add).ToArray();
        var world = new SimWorld(network);
        foreach (var (router, i) in routers.Select((r, i) => (r, i)))
        {
            router.BusyRate = busyRate;
            router.Random = new Random(seed + i);
        }
        network.Run(TimeSpan.FromSeconds(1)); // the routers find each other
        var cutUntil = new Dictionary<SimRouter, (long Until, bool Noticed)>();
        foreach (var op in ops)
        {
            switch (op)
            {
                case Connect(var peer, var router):
                    world.Connect(Peers[peer], routers[router]);
                    break;
                case Disconnect(var peer):
                    world.Disconnect(Peers[peer]);
                    break;
                case Send(var from, var to, var count):
                    for (var i = 0; i < count; i++)
                    {
                        world.Send(Peers[from], Peers[to]);
                    }
                    break;
                case Wait(var ms):
                    network.Run(TimeSpan.FromMilliseconds(ms));
                    break;
                case CutOff(var router, var ms) when !cutUntil.ContainsKey(routers[router]):
                    world.SetCut(routers[router], true);
                    cutUntil[routers[router]] = (network.Clock.GetTimestamp() + (ms * network.Clock.TimestampFrequency / 1000), false);
                    break;
                case LoseNats(var router, var ms) when !cutUntil.ContainsKey(routers[router]):
                    world.SetCut(routers[router], true, noticed: true);
                    cutUntil[routers[router]] = (network.Clock.GetTimestamp() + (ms * network.Clock.TimestampFrequency / 1000), true);
                    break;
                case Crash(var router):
                    world.Crash(routers[router]);
                    break;
            }
            network.Run(TimeSpan.FromMilliseconds(5)); // a step between operations: connections claimed at different moments
            foreach (var (router, cut) in cutUntil.Where(c => c.Value.Until <= network.Clock.GetTimestamp()).ToList())
            {
                world.SetCut(router, false, cut.Noticed);
                cutUntil.Remove(router);
            }
        }
        foreach (var (router, cut) in cutUntil)
        {
            world.SetCut(router, false, cut.Noticed);
        }
        network.Faults = SimFaults.None;
        network.Run(TimeSpan.FromSeconds(10)); // healed: every link comes back, everything unconfirmed is sent again or answered
        var problems = world.Check();
        if (trace is not null && Environment.GetEnvironmentVariable("HYDRA_SIM_TRACE") is { } file)
        {
            File.WriteAllLines(file, [.. trace, .. problems]);
        }
        return problems;
    }
}
