namespace Hydra.Transport;

/// <summary>Which ZeroMQ engine carries the messages. Peers on different engines talk to each other freely.</summary>
public enum HydraTransport
{
    /// <summary>The best one this machine has (today: NetMQ).</summary>
    Auto,
    /// <summary>NetMQ, the managed ZeroMQ port that ships with Hydra: needs nothing installed.</summary>
    NetMQ,
}
