using System.Diagnostics;
using System.Globalization;
using Hydra.Mq;
using Hydra.Protocol;

namespace Hydra.Tui.Client;

/// <summary>
/// The client app's peer and its pings, off the UI thread. Every ping carries its own id,
/// so a pong that comes after its ping timed out is reported as late (by number), never as
/// the answer to a later ping. Lines are reported through <see cref="Line"/> on pool threads.
/// </summary>
internal sealed class ClientSession : IAsyncDisposable
{
    private const string PingIdMarker = ":ping:";

    private readonly HydraClient _client;
    private readonly TimeSpan _pingTimeout;
    private long _pings;

    public ClientSession(HydraMQOptions options, TimeSpan? pingTimeout = null)
    {
        // Through a Python router, pongs come without reply_to: match them the way the original does.
        _pingTimeout = pingTimeout ?? options.NetworkTimeout;
        _client = new HydraClient(options with { MatchUncorrelatedReplies = true, NetworkTimeout = _pingTimeout });
        _client.LateReply += ReportLate;
    }

    /// <summary>A console line, raised on whatever thread produced it.</summary>
    public event Action<string>? Line;

    /// <summary>This client's identity.</summary>
    public string Identity => _client.Identity;

    /// <summary>The peer's options (router address and ports).</summary>
    public HydraMQOptions Options => _client.Options;

    /// <summary>From heartbeats: a reply came within the last two intervals. Reads a timestamp; touches no socket.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Why connecting failed (e.g. an unknown host name), or null.</summary>
    public string? Failure => Volatile.Read(ref _failure);
    private string? _failure;

    /// <summary>
    /// Connects (on a pool thread: sockets are created and connected there) and starts heartbeats.
    /// A failure is reported as a line and in <see cref="Failure"/>, not thrown: the app stays up to show it.
    /// </summary>
    public async Task StartAsync()
    {
        try
        {
            await Task.Run(() => _client.StartAsync());
        }
        catch (HydraException e)
        {
            // Starting wraps what the network throws (an unknown host, a bad address) in one HydraException.
            var options = Options;
            Volatile.Write(ref _failure, string.Create(CultureInfo.InvariantCulture, $"cannot reach the router at {options.RouterAddress}:{options.RouterPort}: {e.Message}"));
            Report($"ERROR: {Failure}");
        }
    }

    /// <summary>Pings <paramref name="target"/> and reports the outcome as console lines. Never throws.</summary>
    public async Task PingAsync(string target, CancellationToken cancellationToken = default)
    {
        if (Failure is { } failure)
        {
            Report($"Ping not sent: {failure}");
            return;
        }
        var number = Interlocked.Increment(ref _pings);
        var name = target == HydraIdentities.Router ? "router" : target;
        Report($"Sending ping to {name} (#{number})");
        var ping = new HydraMsg(Identity, target, HydraMethods.Ping) { Id = $"{Identity}{PingIdMarker}{number}" };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var pong = await _client.RequestAsync(ping, cancellationToken);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var matched = pong.ReplyTo is null ? ", uncorrelated: the router strips ids" : "";
            Report(string.Create(CultureInfo.InvariantCulture, $"Received pong in {ms:0.0} ms (#{number}{matched})"));
        }
        catch (HydraTimeoutException)
        {
            var why = _client.DescribeConnection();
            Report(string.Create(CultureInfo.InvariantCulture, $"Ping timed out... (#{number}: no pong from {name} within {_pingTimeout.TotalSeconds:0.#} s{(why.Length > 0 ? $"; {why}" : "")})"));
        }
        catch (HydraRemoteException e)
        {
            Report($"Error from {e.Reply.Sender}: {e.WireCode}: {e.Detail} (#{number})");
        }
        catch (OperationCanceledException)
        {
            // quitting
        }
        catch (HydraException e)
        {
            Report($"Ping failed: {e.Message} (#{number})");
        }
        catch (InvalidOperationException)
        {
            Report($"Ping not sent: still connecting (#{number})");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.LateReply -= ReportLate;
        return _client.DisposeAsync();
    }

    private void ReportLate(object? sender, LateReplyEventArgs late)
    {
        var reply = late.Reply;
        var replyTo = reply.ReplyTo ?? "";
        var marker = replyTo.LastIndexOf(PingIdMarker, StringComparison.Ordinal);
        var number = marker < 0 ? "?" : replyTo[(marker + PingIdMarker.Length)..];
        Report($"Late {reply.Method} from {reply.Sender} for ping #{number}, which had timed out");
    }

    private void Report(string line) => Line?.Invoke(line);
}
