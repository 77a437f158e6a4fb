using System.Text;
using Hydra.Protocol;
using Hydra.Routing.Internal;

namespace Hydra.Tests.Routing;

/// <summary>The router's in-place check must accept exactly what the full decoder accepts, and read the same fields.</summary>
public class FrameInspectorTests
{
    public static TheoryData<string> Frames => new()
    {
        """{"sender":"a","target":"b","method":"m","payload":{},"protocol_version":1}""",
        """{"sender": "a", "target": "b", "method": "m", "payload": {"deep": {"x": [1, {"y": null}]}}, "protocol_version": 1}""",
        """{"protocol_version":1,"method":"m","target":"b","sender":"a"}""",
        """{"sender":"a","target":"b","method":"m","version":1,"id":"x"}""",
        """{"sender":"caf\u00e9","target":"b\"q","method":"m","protocol_version":1.0}""",
        """{"sender":"a","target":"b","method":"m","payload":null,"protocol_version":1,"id":"7"}""",
        """{"sender":"a","target":"b","method":"m","payload":[],"protocol_version":1}""",
        """{"sender":"a","target":"b","method":"m","protocol_version":"1"}""",
        """{"sender":"a","target":"b","method":"m","protocol_version":2}""",
        """{"sender":"a","target":"b","method":"m","protocol_version":2,"version":1}""",
        """{"sender":null,"target":"b","method":"m","protocol_version":1}""",
        """{"sender":"a","target":7,"method":"m","protocol_version":1}""",
        """{"sender":"a","target":"b","protocol_version":1}""",
        """{"sender":"a","target":"b","method":"m","protocol_version":1}trailing""",
        """{"sender":"a","target":"b","method":"m","protocol_version":1""",
        """["sender"]""",
        "\"just a string\"",
        "",
        "   ",
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Accepts_exactly_what_the_decoder_accepts(string json)
    {
        var frame = Encoding.UTF8.GetBytes(json);
        var problem = FrameInspector.Inspect(frame, out var header);
        HydraMsg? decoded = null;
        try
        {
            decoded = HydraMsg.FromJson(frame);
        }
        catch (HydraMessageException)
        {
        }
        Assert.Equal(decoded is null, problem is not null);
        if (decoded is not null)
        {
            Assert.Equal(decoded.Sender, header.Sender.ToString(frame));
            Assert.Equal(decoded.Target, header.Target.ToString(frame));
            Assert.Equal(decoded.Method, header.Method.ToString(frame));
            Assert.Equal(decoded.Id ?? "", header.Id.ToString(frame));
        }
    }

    [Fact]
    public void Invalid_utf8_is_named()
    {
        Assert.Equal("message is not valid UTF-8", FrameInspector.Inspect([0x7b, 0xc3, 0x28, 0x7d], out _));
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_refused_not_crashed_on()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);
        var json = $$"""{"sender":"a","target":"b","method":"m","payload":{"x":{{deep}}},"protocol_version":1}""";
        Assert.StartsWith("message is not JSON", FrameInspector.Inspect(Encoding.UTF8.GetBytes(json), out _));
    }
}
