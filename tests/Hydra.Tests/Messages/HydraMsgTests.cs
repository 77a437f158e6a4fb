using System.Text;
using System.Text.Json.Nodes;

namespace Hydra.Tests.Messages;

public class HydraMsgTests
{
    private static HydraMsg Decode(string json) => HydraMsg.FromJson(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Encodes_keys_in_the_originals_order_with_protocol_version_1()
    {
        var json = Encoding.UTF8.GetString(new HydraMsg("a", "b", "ping").ToJson());
        Assert.Equal("""{"sender":"a","target":"b","method":"ping","payload":{},"protocol_version":1}""", json);
    }

    [Fact]
    public void Bytes_round_trip_keeps_every_field()
    {
        var original = new HydraMsg("client-é", "srv", "add", new JsonObject { ["x"] = 1, ["list"] = new JsonArray(1, "two") })
        {
            Id = "r-1",
            ReplyTo = "q-9",
        };
        var decoded = HydraMsg.FromJson(original.ToJson());
        Assert.Equal(original.ToDebugString(), decoded.ToDebugString());
    }

    [Fact]
    public void Dictionary_round_trip_keeps_every_field()
    {
        var original = new HydraMsg("a", "b", "m", new JsonObject { ["n"] = 2 }) { Id = "7" };
        var fields = original.ToDictionary();
        Assert.Equal(1, fields["protocol_version"]);
        Assert.Equal(original.ToDebugString(), HydraMsg.FromDictionary(fields).ToDebugString());
    }

    [Fact]
    public void Dictionary_payload_may_be_a_plain_dictionary()
    {
        var msg = HydraMsg.FromDictionary(new Dictionary<string, object?>
        {
            ["sender"] = "a", ["target"] = "b", ["method"] = "m", ["protocol_version"] = 1,
            ["payload"] = new Dictionary<string, object?> { ["k"] = "v" },
        });
        Assert.Equal("v", (string?)msg.Payload["k"]);
    }

    [Fact]
    public void Short_and_debug_forms_read_like_the_original()
    {
        var msg = new HydraMsg("a", "b", "ping", new JsonObject { ["k"] = 1 });
        Assert.Equal("HydraMsg:a->b:ping()", msg.ToString());
        Assert.Equal("HydraMsg(sender='a', target='b', method='ping', payload={\"k\":1})", msg.ToDebugString());
    }

    [Theory]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":1}""")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":null,"protocol_version":1}""")]
    public void Missing_or_null_payload_becomes_empty_object(string json) =>
        Assert.Empty(Decode(json).Payload);

    [Fact]
    public void Legacy_version_key_is_accepted_and_unknown_keys_ignored()
    {
        var msg = Decode("""{"id":"0b8c","sender":"a","target":"b","method":"m","payload":{},"version":1,"extra":[1,2]}""");
        Assert.Equal("m", msg.Method);
        Assert.Equal("0b8c", msg.Id);
    }

    [Fact]
    public void Python_style_ascii_escapes_decode_to_the_same_text()
    {
        var msg = Decode("""{"sender": "caf\u00e9", "target": "b", "method": "m", "payload": {}, "protocol_version": 1}""");
        Assert.Equal("café", msg.Sender);
    }

    [Theory]
    [InlineData("""{"target":"b","method":"m","protocol_version":1}""", "missing field sender")]
    [InlineData("""{"sender":"a","method":"m","protocol_version":1}""", "missing field target")]
    [InlineData("""{"sender":"a","target":"b","protocol_version":1}""", "missing field method")]
    [InlineData("""{"sender":"a","target":"b","method":"m"}""", "missing field protocol_version")]
    [InlineData("""{"sender":"a","target":"b","method":"m","protocol_version":2}""", "unsupported protocol version 2")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":[1],"protocol_version":1}""", "payload is not an object (got array)")]
    [InlineData("""{"sender":"a","target":"b","method":"m","payload":"x","protocol_version":1}""", "payload is not an object (got string)")]
    [InlineData("""{"sender":5,"target":"b","method":"m","protocol_version":1}""", "field sender must be a string (got number)")]
    [InlineData("""[1,2,3]""", "message is not a JSON object (got array)")]
    [InlineData("""{"sender":"a",""", "message is not JSON")]
    [InlineData("", "message is not JSON")]
    public void Each_rejection_names_the_problem(string json, string expected)
    {
        var error = Assert.Throws<HydraMessageException>(() => Decode(json));
        Assert.StartsWith(expected, error.Message);
        Assert.Equal(HydraErrorCode.BadMessage, error.Code);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_as_such()
    {
        var error = Assert.Throws<HydraMessageException>(() => HydraMsg.FromJson([0x7b, 0xff, 0xfe, 0x7d]));
        Assert.Equal("message is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Replies_swap_sender_and_target_and_echo_the_id()
    {
        var request = new HydraMsg("client", "server", "ping") { Id = "42" };
        var reply = request.CreateErrorReply(HydraErrorCode.UnknownMethod, "no such method");
        Assert.Equal(("server", "client", "error", "42"), (reply.Sender, reply.Target, reply.Method, reply.ReplyTo));
        Assert.Equal("unknown_method", (string?)reply.Payload["code"]);
    }
}
