using System.Text;
using Hydra.Routing;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Reliability;

/// <summary>
/// Found by the fuzz test: a JSON escape for half a surrogate pair (<c>"\ud800"</c>) is valid
/// UTF-8 and valid JSON syntax, but not a string .NET can read. It must be refused like any bad message.
/// </summary>
public class InvalidEscapeTests
{
    public static TheoryData<string> Fields => new() { "sender", "target", "method", "id" };

    [Theory, OnNetMQ(nameof(Fields)), OnLibZmq(nameof(Fields))]
    public async Task Lone_surrogate_in_a_field_gets_bad_message_not_silence(HydraTransport transport, string field)
    {
        await using var router = TestRouter.Start(transport);
        using var peer = new RawPeer(router, "alice");
        var fields = new Dictionary<string, string> { ["sender"] = "alice", ["target"] = "HydraRouter", ["method"] = "ping", ["id"] = "q1" };
        fields[field] = "x\\ud800";
        peer.SendJson($$"""{"sender":"{{fields["sender"]}}","target":"{{fields["target"]}}","method":"{{fields["method"]}}","payload":{},"protocol_version":1,"id":"{{fields["id"]}}"}""");
        var reply = peer.Receive();
        JsonAssert.IsError(reply, "bad_message");
        Assert.Equal(0, router.Stats.Errors.GetValueOrDefault(HydraErrorCode.Other));
    }

    [Fact]
    public void Decoder_names_the_problem_instead_of_throwing_something_else()
    {
        var frame = Encoding.UTF8.GetBytes("""{"sender":"a","target":"b","method":"m","payload":{},"protocol_version":1,"reply_to":"\ud800"}""");
        var error = Assert.Throws<HydraMessageException>(() => HydraMsg.FromJson(frame));
        Assert.Contains("reply_to", error.Message);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task What_a_receiver_could_not_decode_is_refused_to_the_sender_not_forwarded(HydraTransport transport)
    {
        await using var router = TestRouter.Start(transport);
        await using var bob = router.StartPeer("bob");
        await Eventually.TrueAsync(() => bob.IsConnected, "bob connected");
        using var mallory = new RawPeer(router, "mallory");
        // Before the fix this reached bob, whose poller thread died on it and took his process down.
        mallory.SendJson("""{"sender":"mallory","target":"bob","method":"hello","payload":{},"protocol_version":1,"reply_to":"\ud800"}""");
        JsonAssert.IsError(mallory.Receive(), "bad_message");
        mallory.SendJson("""{"sender":"mallory","target":"bob","method":"after","payload":{},"protocol_version":1}""");
        Assert.Equal("after", (await bob.ReceiveAsync()).Method);
    }
}
