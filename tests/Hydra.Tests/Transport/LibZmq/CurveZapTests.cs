using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>CURVE encryption with a ZAP handler deciding which client keys may connect.</summary>
public sealed class CurveZapTests
{
    [LibZmqFact]
    public void Zap_handler_admits_one_client_key_refuses_another_and_names_the_admitted_user()
    {
        var server = ZmqCurve.NewKeyPair();
        var allowed = ZmqCurve.NewKeyPair();
        var refused = ZmqCurve.NewKeyPair();
        Assert.Equal(server.PublicKey, ZmqCurve.PublicKeyOf(server.SecretKey));
        Assert.Equal(allowed.PublicKey, ZmqCurve.Z85Encode(ZmqCurve.Z85Decode(allowed.PublicKey)));

        using var context = ZmqContext.Create();
        var requests = new List<ZapRequest>();
        using var zap = new ZapHandler(context, request =>
        {
            lock (requests)
            {
                requests.Add(request);
            }
            return request.ClientKey == allowed.PublicKey
                ? ZapReply.Allow(request.ClientKey) with { Metadata = new Dictionary<string, string> { ["X-Role"] = "peer" } }
                : ZapReply.Deny("key not on the list");
        });
        using var router = ZmqSocket.Create(context, ZmqSocketType.Router);
        router.SetOption(ZmqSocketOption.ReceiveTimeout, ZmqKit.DeadlineMs);
        router.SetOption(ZmqSocketOption.CurveServer, true);
        router.SetOption(ZmqSocketOption.CurveSecretKey, server.SecretKey);
        router.SetOption(ZmqSocketOption.ZapDomain, "hydra");
        using var monitor = new ZmqMonitor(context, router, ZmqMonitorEvents.HandshakeSucceeded | ZmqMonitorEvents.HandshakeFailedAuth);
        router.Bind("tcp://127.0.0.1:*");
        var endpoint = router.LastEndpoint;

        using var intruder = ZmqKit.Dealer(context, "intruder", endpoint, d => Client(d, refused, server.PublicKey));
        ZmqKit.Send(intruder, "let me in"); // queued on the client; never leaves it
        var refusal = monitor.WaitFor(ZmqMonitorEvents.HandshakeFailedAuth);
        Assert.Equal(400, refusal.Value); // the ZAP status code

        using var member = ZmqKit.Dealer(context, "member", endpoint, d => Client(d, allowed, server.PublicKey));
        ZmqKit.Send(member, "hello");
        monitor.WaitFor(ZmqMonitorEvents.HandshakeSucceeded);
        using var frames = new ZmqMsgBlock(2);
        Assert.Equal(ZmqError.None, router.Receive(frames[0], ZmqFlags.None));
        Assert.Equal(ZmqError.None, router.Receive(frames[1], ZmqFlags.None));
        Assert.Equal(("member", "hello"), (Encoding.UTF8.GetString(frames[0].Bytes), Encoding.UTF8.GetString(frames[1].Bytes)));
        Assert.Equal(allowed.PublicKey, Encoding.UTF8.GetString(frames[1].UserId));
        Assert.Equal("peer", Encoding.UTF8.GetString(frames[1].Property("X-Role\0"u8)));

        // The refused client's message was queued first; had it got through it would have come first.
        ZmqKit.Send(member, "last");
        Assert.Equal(["member", "last"], ZmqKit.Receive(router));
        Assert.Equal(ZmqError.Again, router.Receive(frames[0], ZmqFlags.DontWait));

        lock (requests)
        {
            Assert.All(requests, r => Assert.Equal(("CURVE", "hydra", "127.0.0.1"), (r.Mechanism, r.Domain, r.Address)));
            Assert.All(requests, r => Assert.Empty(r.RoutingId)); // libzmq 4.3 sends the server's own routing id here, not the client's
            Assert.Contains(requests, r => r.ClientKey == refused.PublicKey);
            Assert.Contains(requests, r => r.ClientKey == allowed.PublicKey);
        }
        Assert.True(zap.Allowed >= 1 && zap.Refused >= 1, $"allowed {zap.Allowed}, refused {zap.Refused}");
    }

    [LibZmqFact]
    public void Only_one_zap_handler_per_context()
    {
        using var context = ZmqContext.Create();
        using var first = new ZapHandler(context, _ => ZapReply.Allow(""));
        Assert.Equal(ZmqError.AddressInUse, Assert.Throws<ZmqException>(() => new ZapHandler(context, _ => ZapReply.Allow(""))).Error);
    }

    private static void Client(ZmqSocket dealer, (string PublicKey, string SecretKey) keys, string serverKey)
    {
        dealer.SetOption(ZmqSocketOption.CurveServerKey, serverKey);
        dealer.SetOption(ZmqSocketOption.CurvePublicKey, keys.PublicKey);
        dealer.SetOption(ZmqSocketOption.CurveSecretKey, keys.SecretKey);
    }
}
