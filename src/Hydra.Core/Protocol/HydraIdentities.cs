using Hydra.Protocol;
namespace Hydra;

/// <summary>Identities with a meaning on the wire (the original's module names).</summary>
public static class HydraIdentities
{
    /// <summary>The router itself.</summary>
    public const string Router = "HydraRouter";
    /// <summary>The original's default peer name.</summary>
    public const string MQ = "HydraMQ";
    /// <summary>The original's client app.</summary>
    public const string Client = "HydraClient";
    /// <summary>The original's reference server.</summary>
    public const string Server = "HydraServer";

    /// <summary>
    /// True for a name no peer may take: the router's own. A peer named <c>HydraRouter</c> could
    /// never be reached (messages to that name are the router's) and would confuse every table.
    /// </summary>
    public static bool IsReserved(string identity) => identity == Router;

    /// <summary>
    /// A name unique to this process and call, e.g. <c>HydraClient-3f9a1c</c>, so two clients
    /// started with defaults never clash (the original's fixed names did).
    /// </summary>
    public static string Unique(string prefix) =>
        $"{prefix}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
}
