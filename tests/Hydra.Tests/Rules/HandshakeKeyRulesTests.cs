using Hydra.Routing;
using Hydra.Security;
using Hydra.Testing;
using Hydra.Transport;
using static Hydra.Tests.Rules.RulesHarness;

namespace Hydra.Tests.Rules;

/// <summary>
/// Authorized keys on a transport that checks them in the handshake (as libzmq's ZAP does):
/// the rules still bind each name to the first key that uses it and serve nobody unproven.
/// </summary>
public sealed class HandshakeKeyRulesTests : IAsyncLifetime
{
    private static readonly CurveKeyPair RouterKeys = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Alice = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Carol = CurveKeyPair.Generate();

    private readonly RulesHarness _harness = new(new RouterOptions
    {
        CurveSecretKey = RouterKeys.SecretKey,
        AuthorizedKeys = [Alice.PublicKey, Carol.PublicKey],
    }, keysInHandshake: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_stranger_never_gets_through_and_never_shows_as_a_client()
    {
        using var stranger = _harness.Connect("mallory", key: CurveKeyPair.Generate().PublicKey);
        stranger.SendJson(Message("mallory", "HydraRouter", "ping"));
        using var alice = _harness.Connect("alice", key: Alice.PublicKey);
        alice.SendJson(Message("alice", "HydraRouter", "ping")); // barrier: handled after mallory's ping
        Assert.Equal("pong", (string?)alice.ReceiveJson()["method"]);
        Assert.Throws<TimeoutException>(() => stranger.Receive(TimeSpan.Zero));
        Assert.Equal(["alice"], (await _harness.Router.GetClientsAsync()).Select(c => c.Identity));
    }

    [Fact]
    public void A_name_stays_bound_to_the_first_key_that_used_it()
    {
        var alice = _harness.Connect("alice", key: Alice.PublicKey);
        alice.SendJson(Message("alice", "HydraRouter", "ping"));
        alice.Receive();
        alice.Dispose();
        using var impostor = _harness.Connect("alice", key: Carol.PublicKey); // an authorized key, but not alice's
        impostor.SendJson(Message("alice", "HydraRouter", "ping", ""","id":"x" """));
        var refusal = impostor.ReceiveJson();
        JsonAssert.IsError(refusal, "unauthorized");
        Assert.Contains("belongs to another key", (string?)refusal["payload"]!["detail"]);

        using var bob = _harness.Connect("carol", key: Carol.PublicKey);
        bob.SendJson(Message("carol", "alice", "secret", ""","id":"s" """));
        JsonAssert.IsError(bob.ReceiveJson(), "unauthorized"); // nothing goes to an unproven name either
    }

    [Fact]
    public void The_auth_request_of_a_proven_peer_is_simply_accepted()
    {
        using var alice = _harness.Connect("alice", key: Alice.PublicKey);
        alice.SendJson(Message("alice", "HydraRouter", "auth", ""","id":"a" """));
        Assert.Equal("auth_ok", (string?)alice.ReceiveJson()["method"]);
    }
}
