using Hydra.Messages;
using Hydra.Protocol;
using Hydra.Routing.Internal;
using Microsoft.Extensions.Logging;
using NetMQ.Sockets;

namespace Hydra.Routing;

// The two authentication steps (rare: once per connection, so they may allocate).
public sealed partial class RouterEngine
{
    private void Authenticate(RouterSocket socket, ReadOnlySpan<byte> identity, ClientEntry? entry, ReadOnlySpan<byte> frame, ReadOnlySpan<byte> method, ReadOnlySpan<byte> replyTo)
    {
        if (_auth is null)
        {
            // Nothing to prove here: say so, so a peer configured for keys can go on.
            Reply(socket, identity, entry, _replies.Empty(identity, HydraMethods.AuthOk, replyTo));
            return;
        }
        var request = HydraMsg.FromJson(frame); // already validated by the inspector
        var name = request.Sender;
        if (method.SequenceEqual("auth"u8))
        {
            var (challenge, refusal) = _auth.Begin(name, request.Payload);
            if (challenge is null)
            {
                Refuse(socket, identity, entry, HydraErrorCode.Unauthorized, refusal!, replyTo);
                return;
            }
            var json = _replies.Begin(identity, HydraMethods.AuthChallenge);
            json.WriteString("challenge"u8, challenge);
            Reply(socket, identity, entry, _replies.End(replyTo));
            return;
        }
        var problem = _auth.Complete(identity.ToArray(), name, request.Payload);
        if (problem is not null)
        {
            Refuse(socket, identity, entry, HydraErrorCode.Unauthorized, problem, replyTo);
            return;
        }
        _log.LogInformation("{Identity} proved its key", name);
        var proven = _clients.Touch(identity);
        Reply(socket, identity, proven, _replies.Empty(identity, HydraMethods.AuthOk, replyTo));
    }
}
