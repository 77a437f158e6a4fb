namespace Hydra;

/// <summary>The one exception family of Hydra Router; <see cref="Code"/> says what went wrong.</summary>
public class HydraException : Exception
{
    /// <summary>Creates an exception with a code and a readable message.</summary>
    public HydraException(HydraErrorCode code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    /// <summary>What went wrong.</summary>
    public HydraErrorCode Code { get; }
}

/// <summary>A message could not be decoded; the message names the problem.</summary>
public sealed class HydraMessageException(string message, Exception? inner = null)
    : HydraException(HydraErrorCode.BadMessage, message, inner);

/// <summary>No answer came within the time allowed.</summary>
public sealed class HydraTimeoutException(string message)
    : HydraException(HydraErrorCode.Timeout, message);

/// <summary>The other side answered with an <c>error</c> message.</summary>
public sealed class HydraRemoteException(HydraErrorCode code, string wireCode, string detail, HydraMsg reply)
    : HydraException(code, $"{wireCode}: {detail}")
{
    /// <summary>The <c>payload.code</c> as it came on the wire.</summary>
    public string WireCode { get; } = wireCode;
    /// <summary>The <c>payload.detail</c> text.</summary>
    public string Detail { get; } = detail;
    /// <summary>The whole error message.</summary>
    public HydraMsg Reply { get; } = reply;
}
