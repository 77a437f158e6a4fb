namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// A fact that needs a <see cref="NetworkLab"/>: root, ip, iptables, nats-server and pyzmq. Skipped
/// with the reason where one is missing; with HYDRA_REQUIRE_NETNS=1 (as CI sets it) it runs and fails
/// instead, so CI never passes a partition test silently.
/// </summary>
public sealed class NetLabFactAttribute : FactAttribute
{
    public NetLabFactAttribute()
    {
        if (!NetworkLab.Required && NetworkLab.WhyUnavailable() is { } why)
        {
            Skip = why + "; partition test not run";
        }
    }
}
