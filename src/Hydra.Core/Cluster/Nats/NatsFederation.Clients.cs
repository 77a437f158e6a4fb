using System.Buffers;
using Hydra.Routing;

namespace Hydra.Cluster.Nats;

// A cluster-wide `clients` over NATS.Net (ClientTables does the asking and gathering).
internal sealed partial class NatsFederation
{
    /// <summary>Reader thread: a message on the node's subjects.</summary>
    internal void OnNodeMessage(in ReadOnlySequence<byte> payload) => Receive(payload);

    public override Task<ClusterClients> GatherClientsAsync(CancellationToken cancellationToken = default) =>
        GatherOverNatsAsync((subject, replyTo, bytes) => _nats.PublishAsync(subject, bytes, replyTo: replyTo, cancellationToken: cancellationToken).AsTask(), cancellationToken);

    private void OnClientsRequest(string subject, string? replyTo, in ReadOnlySequence<byte> payload)
    {
        var request = payload.ToArray();
        Post(() =>
        {
            foreach (var part in Tables.Answer(request, replyTo, LocalClients()))
            {
                _ = PublishQuietlyAsync(replyTo!, part);
            }
        });
    }

    private async Task PublishQuietlyAsync(string subject, byte[] payload)
    {
        try
        {
            await _nats.PublishAsync(subject, payload).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NATS.Client.Core.NatsException or ObjectDisposedException or OperationCanceledException)
        {
            // the asker names this router missing
        }
    }

    private void OnControlMessage(string subject, string? replyTo, in ReadOnlySequence<byte> payload) => Tables.OnAnswer(payload.ToArray());
}
