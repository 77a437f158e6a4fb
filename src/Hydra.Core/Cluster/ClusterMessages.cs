using System.Text.Json.Serialization;

namespace Hydra.Cluster;

// What routers say to each other besides the peers' frames (which travel as they are). Small
// JSON documents: they are rare (connects, once a second, on request), so readable wins.

/// <summary>"A peer connected to <paramref name="Router"/> holds this identity now" (newest <paramref name="Stamp"/> wins).</summary>
/// <param name="Identity">The identity as a subject token (<see cref="ClusterSubjects.Token"/>).</param>
/// <param name="Router">The claiming router.</param>
/// <param name="Stamp">When the connection arrived: UTC ticks, strictly increasing per router.</param>
/// <param name="Key">The public key the peer proved (authorized keys), else null.</param>
/// <param name="BoundSince">UTC ticks since when the claiming router has bound the identity to <paramref name="Key"/>; the oldest binding wins.</param>
internal sealed record ClaimMessage(string Identity, string Router, long Stamp, string? Key, long BoundSince);

/// <summary>"Router <paramref name="Router"/> is there" (or stopping), sent every presence interval.</summary>
internal sealed record PresenceMessage(string Router, int Clients, bool Stopping);

/// <summary>A request for every router's client table; replies go to the message's reply subject.</summary>
internal sealed record ClientsRequestMessage(string Router, long Request);

/// <summary>One router's rows (in parts when many), for request <paramref name="Request"/>.</summary>
internal sealed record ClientsReplyMessage(string Router, long Request, int Part, int Parts, List<ClientRow> Clients);

/// <summary>A row of <see cref="ClientsReplyMessage"/>, with the field names of the <c>clients</c> reply.</summary>
internal sealed record ClientRow(string Identity, string Status, double LastSeenS, long MessagesIn, long MessagesOut, bool Connected);

/// <summary>"The frame you sent with this reply subject was not delivered": the target's router answers the sender's router.</summary>
internal sealed record RefusalMessage(string Code, string Detail, string Sender, string? Id);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClaimMessage))]
[JsonSerializable(typeof(PresenceMessage))]
[JsonSerializable(typeof(ClientsRequestMessage))]
[JsonSerializable(typeof(ClientsReplyMessage))]
[JsonSerializable(typeof(RefusalMessage))]
internal sealed partial class ClusterJson : JsonSerializerContext;
