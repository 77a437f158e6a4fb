using System.Text.Json.Nodes;
using Hydra.Mq;
using Hydra.Protocol;
using Hydra.Security;
using Microsoft.Extensions.Logging;

namespace Hydra;

// Proving this peer's key to the router (see AuthProof). Runs once after Start and again
// whenever the router says "unauthorized" (it forgets a proof when a connection closes).
public sealed partial class HydraMQ
{
    private readonly CurveKeyPair? _curveKeys;
    private TaskCompletionSource _authenticated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _authenticating;

    /// <summary>True when no key needs proving, or the router has accepted this peer's proof.</summary>
    public bool IsAuthenticated => _authenticated.Task.IsCompletedSuccessfully;

    private static CurveKeyPair? CurveKeysFor(HydraMQOptions options)
    {
        if (options.CurveServerKey is null)
        {
            return options.CurveSecretKey is null
                ? null
                : throw new ArgumentException("CurveSecretKey needs CurveServerKey (the router's public key)", nameof(options));
        }
        CurveKeyPair.CheckKey(options.CurveServerKey, "router's public key");
        return options.CurveSecretKey is null ? CurveKeyPair.Generate() : CurveKeyPair.FromSecretKey(options.CurveSecretKey);
    }

    private void BeginAuthentication()
    {
        if (_curveKeys is null || Interlocked.CompareExchange(ref _authenticating, 1, 0) != 0)
        {
            return;
        }
        if (_authenticated.Task.IsCompleted)
        {
            _authenticated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // senders wait for the new proof
        }
        _ = Task.Run(AuthenticateAsync);
    }

    /// <summary>
    /// How long one step of a proof waits for the router. Half the network timeout (at least 1 s):
    /// a request can be lost with a connection that is replaced as it goes (the router restarting,
    /// libzmq dialling again after a failed handshake), and the next "unauthorized" heartbeat
    /// answer then starts a new proof while a caller still waits for one.
    /// </summary>
    private TimeSpan AttemptTimeout => TimeSpan.FromTicks(Math.Max(_options.NetworkTimeout.Ticks / 2, TimeSpan.TicksPerSecond));

    private async Task AuthenticateAsync()
    {
        var done = _authenticated;
        try
        {
            var hello = await RequestCoreAsync(CreateMessage(HydraIdentities.Router, HydraMethods.Auth, new JsonObject { [AuthMethod.KeyKey] = _curveKeys!.PublicKey }), AttemptTimeout, matchUncorrelated: false, _stopping.Token).ConfigureAwait(false);
            if (hello.Method == HydraMethods.AuthChallenge)
            {
                var challenge = Convert.FromBase64String((string?)hello.Payload[AuthMethod.ChallengeKey] ?? "");
                var (nonce, sealedChallenge) = AuthProof.Prove(challenge, _curveKeys.SecretKey, _options.CurveServerKey!);
                await RequestCoreAsync(CreateMessage(HydraIdentities.Router, HydraMethods.AuthProof, new JsonObject
                {
                    [AuthMethod.NonceKey] = Convert.ToBase64String(nonce),
                    [AuthMethod.BoxKey] = Convert.ToBase64String(sealedChallenge),
                }), AttemptTimeout, matchUncorrelated: false, _stopping.Token).ConfigureAwait(false);
            }
            _log.LogAuthenticated(Identity);
            done.TrySetResult();
        }
        catch (HydraRemoteException e)
        {
            var why = KeyRefusal(e.Detail);
            _log.LogAuthenticationFailed(Identity, why);
            done.TrySetException(new HydraException(HydraErrorCode.Unauthorized, why));
        }
        catch (Exception e) when (e is HydraException or OperationCanceledException or ObjectDisposedException or FormatException)
        {
            // Router unreachable or quitting: the next "unauthorized" heartbeat answer starts a new try.
            _log.LogAuthenticationUnfinished(Identity, e.Message);
        }
        finally
        {
            Volatile.Write(ref _authenticating, 0);
        }
    }

    /// <summary>
    /// Why the router refused this peer's key. Without a key of its own the peer proved a throwaway
    /// one, made at start, whose refusal would name a key the user never saw.
    /// </summary>
    private string KeyRefusal(string detail) => _options.CurveSecretKey is null
        ? "the router serves listed keys only, and this peer has no key of its own: "
            + "give it one (hydra keygen NAME, then --curve-key NAME.key, or HydraMQOptions.CurveSecretKey) and list NAME.pub on the router"
        : $"the router refused this peer's key: {detail}";

    private async Task WaitUntilAuthenticatedAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var wait = timeout ?? _options.NetworkTimeout;
        var proven = _authenticated.Task;
        if (proven.IsCompletedSuccessfully)
        {
            return;
        }
        try
        {
            await proven.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new HydraTimeoutException($"not authenticated with the router within {wait.TotalSeconds:0.###} s{SilenceSuffix()}");
        }
    }

    private static bool IsUnauthorized(HydraMsg message) =>
        message.IsError && message.Sender == HydraIdentities.Router && (string?)message.Payload[ErrorMethod.CodeKey] == HydraErrorCode.Unauthorized.ToWire();
}
