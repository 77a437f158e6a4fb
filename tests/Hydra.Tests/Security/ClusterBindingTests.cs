using System.Text;
using Hydra.Routing.Internal;
using Hydra.Security;

namespace Hydra.Tests.Security;

/// <summary>
/// Authorized keys in a cluster, at the router's authenticator: two routers can see two keys use
/// one name at nearly the same time; the older binding wins cluster-wide, and the loser's
/// connection must lose its proof at once (ClusterSecurityTests shows the whole flow over NATS).
/// </summary>
public sealed class ClusterBindingTests
{
    private static readonly CurveKeyPair RouterKeys = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Alice = CurveKeyPair.Generate();
    private static readonly CurveKeyPair Carol = CurveKeyPair.Generate();

    [Fact]
    public void A_name_bound_elsewhere_to_an_older_key_is_taken_from_the_key_that_used_it_here()
    {
        var auth = new Authenticator(RouterKeys.SecretKey, [Alice.PublicKey, Carol.PublicKey]);
        var alice = "alice"u8;
        var carolsKey = Encoding.ASCII.GetBytes(Carol.PublicKey);
        Assert.True(auth.ProveByHandshake(alice, carolsKey)); // Carol's key used the name here first

        auth.Bind("alice", Alice.PublicKey); // the cluster: alice was bound to Alice's key earlier, on another router

        Assert.False(auth.IsProven(alice));
        Assert.False(auth.ProveByHandshake(alice, carolsKey)); // refused from the next frame on
        Assert.Equal(Alice.PublicKey, auth.KeyOf("alice"));
        Assert.True(auth.ProveByHandshake(alice, Encoding.ASCII.GetBytes(Alice.PublicKey)));
    }

    [Fact]
    public void The_same_binding_again_changes_nothing()
    {
        var auth = new Authenticator(RouterKeys.SecretKey, [Alice.PublicKey]);
        var alicesKey = Encoding.ASCII.GetBytes(Alice.PublicKey);
        Assert.True(auth.ProveByHandshake("alice"u8, alicesKey));
        auth.Bind("alice", Alice.PublicKey);
        Assert.True(auth.IsProven("alice"u8));
        Assert.True(auth.ProveByHandshake("alice"u8, alicesKey));
    }
}
