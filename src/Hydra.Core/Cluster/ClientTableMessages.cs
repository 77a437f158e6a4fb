using System.Text.Json.Serialization;

namespace Hydra.Cluster;

// A cluster-wide `clients`: a router asks every router for its table, and gathers the answers.
// Small JSON documents: rare (on request), so readable wins.

/// <summary>A request for every router's client table; replies go to the message's reply subject.</summary>
internal sealed record ClientsRequestMessage(string Router, long Request);

/// <summary>One router's rows (in parts when many), for request <paramref name="Request"/>.</summary>
internal sealed record ClientsReplyMessage(string Router, long Request, int Part, int Parts, List<ClientRow> Clients);

/// <summary>A row of <see cref="ClientsReplyMessage"/>, with the field names of the <c>clients</c> reply.</summary>
internal sealed record ClientRow(string Identity, string Status, double LastSeenS, long MessagesIn, long MessagesOut, bool Connected);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientsRequestMessage))]
[JsonSerializable(typeof(ClientsReplyMessage))]
internal sealed partial class ClusterJson : JsonSerializerContext;
