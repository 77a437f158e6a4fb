using System.Globalization;
using Hydra.Protocol;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Interop;

/// <summary>
/// A pyzmq peer written like the Python 0.14 HydraMQ: one socket, ["", json] framing, "version"
/// and "id", heartbeats on the main port, replies read as frames[1]. It used to crash on our
/// one-frame replies and get unknown_method for its heartbeats.
/// </summary>
public class PythonLegacyPeerTests
{
    private static string[] Port(RouterEngine router) => ["--port", router.Port.ToString(CultureInfo.InvariantCulture)];

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task A_legacy_peer_gets_its_heartbeat_and_ping_answered_in_its_own_framing(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_legacy_peer.py", ["ping", "--id", "legacy", .. Port(router)]);
        var heartbeat = await py.WaitForEventAsync("reply");
        Assert.Equal(("heartbeat_reply", "HydraRouter", 2), ((string?)heartbeat["method"], (string?)heartbeat["sender"], (int?)heartbeat["frames"]));
        var pong = await py.WaitForEventAsync("reply");
        Assert.Equal(("pong", 2), ((string?)pong["method"], (int?)pong["frames"]));
        Assert.DoesNotContain("crashed", py.Output, StringComparison.Ordinal);
    }

    [PythonTheory, OnNetMQ, OnLibZmq]
    public async Task A_dotnet_peer_pings_a_legacy_server_through_the_router(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var py = Python.Run("py_legacy_peer.py", ["serve", "--id", "LegacyServer", .. Port(router)]);
        await py.WaitForEventAsync("ready");
        await using var client = router.StartPeer("dotnet-client", router.PeerOptions("dotnet-client") with { MatchUncorrelatedReplies = true });
        var pong = await client.RequestAsync(client.CreateMessage("LegacyServer", HydraMethods.Ping));
        Assert.Equal(("LegacyServer", "pong"), (pong.Sender, pong.Method));
        var served = await py.WaitForEventAsync("served");
        Assert.Equal(2, (int?)served["frames"]); // forwarded to it as ["", json], the only form it reads
        py.CloseInput();
        Assert.DoesNotContain("crashed", py.Output, StringComparison.Ordinal);
    }
}
