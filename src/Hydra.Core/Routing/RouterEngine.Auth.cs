using Hydra.Protocol;
using Hydra.Routing;
using Hydra.Routing.Internal;
using Hydra.Transport;
using Microsoft.Extensions.Logging;

namespace Hydra;

// Authorized keys (rare: once per connection, so these may allocate). On a transport that
// checks keys in the handshake, Admit proves a peer from its connection's key; otherwise the
// peer proves its key here, answering a challenge (see Security.AuthProof).
public sealed partial class RouterEngine
{
    private static bool IsAuthRequest(in Sender sender) =>
        sender.Port == PortKind.Main
        && sender.Header.Target.Bytes(sender.Body).SequenceEqual(Wire.Router)
        && Authenticator.IsAuthMethod(sender.Header.Method.Bytes(sender.Body));

    private void RefuseUnproven(in Sender sender)
    {
        // A peer's first heartbeat may overtake its proof: that is expected, not worth a warning.
        var expected = sender.Port == PortKind.Heartbeat && !_keysInHandshake;
        Refuse(sender, HydraErrorCode.Unauthorized,
            _keysInHandshake
                ? $"identity '{IdentityText.Of(sender.Identity)}' belongs to another key"
                : "this router only serves authorized keys: send 'auth' to HydraRouter first",
            expected ? LogLevel.Debug : LogLevel.Warning);
    }

    private void Authenticate(in Sender sender, ReadOnlySpan<byte> method)
    {
        if (_auth is null || _keysInHandshake)
        {
            // Nothing to prove here (no keys, or proven in the handshake): say so, so a peer configured for keys can go on.
            if (sender.Entry is null && _auth is not null)
            {
                RefuseUnproven(sender);
                return;
            }
            Reply(sender, _replies.Empty(sender.Identity, HydraMethods.AuthOk, sender.ReplyTo));
            return;
        }
        var request = HydraMsg.FromJson(sender.Body); // already validated by the inspector
        var name = request.Sender;
        if (method.SequenceEqual(AuthMethod.NameUtf8))
        {
            var (challenge, refusal) = _auth.Begin(name, request.Payload);
            if (challenge is null)
            {
                Refuse(sender, HydraErrorCode.Unauthorized, refusal!);
                return;
            }
            var json = _replies.Begin(sender.Identity, HydraMethods.AuthChallenge);
            json.WriteString(AuthMethod.ChallengeKeyUtf8, challenge);
            Reply(sender, _replies.End(sender.ReplyTo));
            return;
        }
        var problem = _auth.Complete(sender.Identity.ToArray(), name, request.Payload);
        if (problem is not null)
        {
            Refuse(sender, HydraErrorCode.Unauthorized, problem);
            return;
        }
        _log.LogKeyProven(name);
        var proven = sender;
        proven.Entry = _clients.Touch(sender.Identity);
        Reply(proven, _replies.Empty(sender.Identity, HydraMethods.AuthOk, sender.ReplyTo));
    }
}
