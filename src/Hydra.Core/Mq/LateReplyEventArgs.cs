namespace Hydra;

/// <summary>A reply that came after its request gave up (see <see cref="HydraMQ.LateReply"/>).</summary>
public sealed class LateReplyEventArgs(HydraMsg reply, string? requestId) : EventArgs
{
    /// <summary>The reply; it answers nothing now and does not reach the inbox.</summary>
    public HydraMsg Reply { get; } = reply;

    /// <summary>The id of the request it answers (its <c>reply_to</c>), or null for a reply without one.</summary>
    public string? RequestId { get; } = requestId;
}
