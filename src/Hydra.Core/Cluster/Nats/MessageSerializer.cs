using System.Buffers;
using Hydra.Cluster.State;
using NATS.Client.Core;

namespace Hydra.Cluster.Nats;

/// <summary>Writes the node's message straight into NATS.Net's payload buffer: no copy of our own, nothing allocated.</summary>
internal sealed class MessageSerializer : INatsSerialize<OutgoingMessage>
{
    public static readonly MessageSerializer Instance = new();

    public void Serialize(IBufferWriter<byte> bufferWriter, OutgoingMessage value)
    {
        var length = value.Length;
        value.WriteTo(bufferWriter.GetSpan(length)[..length]);
        bufferWriter.Advance(length);
    }
}
