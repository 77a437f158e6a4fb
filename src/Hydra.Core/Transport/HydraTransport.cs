using Hydra.Transport;
namespace Hydra;

/// <summary>Which ZeroMQ engine carries the messages. Peers on different engines talk to each other freely.</summary>
public enum HydraTransport
{
    /// <summary>
    /// libzmq when this machine has it (and it can do what the options ask: CURVE for
    /// encryption), else NetMQ. The router's start-up log line says which runs and why.
    /// </summary>
    Auto,
    /// <summary>NetMQ, the managed ZeroMQ port that ships with Hydra: needs nothing installed.</summary>
    NetMQ,
    /// <summary>
    /// The system's libzmq (<c>apt-get install libzmq5</c>, <c>brew install zeromq</c>): about twice
    /// NetMQ's throughput. Starting fails, saying how to install it, when it is missing.
    /// </summary>
    LibZmq,
}
