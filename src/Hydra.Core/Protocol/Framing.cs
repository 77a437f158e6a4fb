namespace Hydra.Protocol;

/// <summary>
/// How a peer wraps its JSON frame. Ours and the newest Python peers send it bare; the
/// Python 0.14 line sends an empty delimiter first and reads the JSON as the second frame
/// of what it receives. The router answers each peer in the envelope it uses itself.
/// </summary>
internal enum Envelope : byte
{
    /// <summary><c>[json]</c> (after the routing identity, at the router).</summary>
    Bare,
    /// <summary><c>["", json]</c>.</summary>
    Delimited,
}

/// <summary>The framing rule (docs/protocol.md, "Framing").</summary>
internal static class Framing
{
    /// <summary>
    /// A message is one JSON frame, optionally after one empty delimiter frame; the JSON is
    /// always the last frame. <paramref name="parts"/> counts the frames after the routing identity.
    /// </summary>
    /// <returns>The envelope the peer used, or null when the frames break the rule.</returns>
    public static Envelope? Classify(int parts, bool firstPartEmpty) => parts switch
    {
        1 => Envelope.Bare,
        2 when firstPartEmpty => Envelope.Delimited,
        _ => null,
    };

    /// <summary>What a refusal says about frames that break the rule.</summary>
    public static string Problem(int parts) =>
        $"expected one JSON frame (optionally after an empty delimiter), got {parts} frames";
}
