using System.Text.Json.Nodes;
using Hydra.Protocol;

namespace Hydra;

/// <summary>
/// One Hydra message: who sent it, to whom, which method, and a JSON object payload.
/// On the wire it is one UTF-8 JSON frame (docs/protocol.md).
/// </summary>
public sealed partial class HydraMsg
{
    /// <summary>The only protocol version there is.</summary>
    public const int ProtocolVersion = Wire.ProtocolVersion;

    /// <summary>Creates a message; a null payload becomes an empty object.</summary>
    public HydraMsg(string sender, string target, string method, JsonObject? payload = null)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(method);
        Sender = sender;
        Target = target;
        Method = method;
        Payload = payload ?? [];
    }

    /// <summary>Identity of the peer that sent the message.</summary>
    public string Sender { get; }

    /// <summary>Identity of the peer the message is for (<c>HydraRouter</c> for the router itself).</summary>
    public string Target { get; }

    /// <summary>The method, e.g. <c>ping</c>.</summary>
    public string Method { get; }

    /// <summary>The payload; never null.</summary>
    public JsonObject Payload { get; }

    /// <summary>Optional request id; a reply carries it back as <see cref="ReplyTo"/>.</summary>
    public string? Id { get; init; }

    /// <summary>The <see cref="Id"/> of the request this message answers, if any.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>True for an <c>error</c> message.</summary>
    public bool IsError => Method == HydraMethods.Error;

    /// <summary>
    /// A reply to this message: from its target, to its sender, answering its id.
    /// </summary>
    public HydraMsg CreateReply(string method, JsonObject? payload = null) =>
        new(Target, Sender, method, payload) { ReplyTo = Id };

    /// <summary>An <c>error</c> reply with <c>payload.code</c> and <c>payload.detail</c>.</summary>
    public HydraMsg CreateErrorReply(HydraErrorCode code, string detail) =>
        CreateReply(HydraMethods.Error, new JsonObject { [ErrorMethod.CodeKey] = code.ToWire(), [ErrorMethod.DetailKey] = detail });

    /// <summary>Short form, as the original prints it: <c>HydraMsg:a->b:ping()</c>.</summary>
    public override string ToString() => $"HydraMsg:{Sender}->{Target}:{Method}()";

    /// <summary>Long form with every field and the payload, for debugging.</summary>
    public string ToDebugString()
    {
        var ids = (Id is null ? "" : $", id='{Id}'") + (ReplyTo is null ? "" : $", reply_to='{ReplyTo}'");
        return $"HydraMsg(sender='{Sender}', target='{Target}', method='{Method}', payload={Payload.ToJsonString()}{ids})";
    }
}
