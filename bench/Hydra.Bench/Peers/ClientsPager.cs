using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;

namespace Hydra.Bench.Peers;

/// <summary>
/// A peer that reads the router's whole client table page by page with <c>clients</c>, as
/// <c>hydra clients</c> does, at the rate the router allows one peer (2 requests a second).
/// </summary>
internal sealed class ClientsPager(int port) : IDisposable
{
    private const string Identity = "clients-pager";
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(520);
    private readonly DealerSocket _socket = Load.Sockets.Dealer(Identity, port);
    private readonly Stopwatch _sinceRequest = Stopwatch.StartNew();
    private long _requests, _pages, _busy, _walks;
    private Thread? _thread;
    private volatile bool _stop;

    /// <summary>One walk through the table: rows named <paramref name="prefix"/>…, of them GOOD, the table's total, pages, and how long it took.</summary>
    public (int Rows, int Good, int Total, int Pages, TimeSpan Elapsed) Walk(TimeSpan limit, string prefix = "")
    {
        var clock = Stopwatch.StartNew();
        int rows = 0, good = 0, total = 0, pages = 0;
        int? offset = 0;
        while (offset is { } at && clock.Elapsed < limit && !_stop)
        {
            var answer = Ask(at);
            if (answer is null)
            {
                continue; // busy or no answer: ask again at the allowed pace
            }
            using var json = JsonDocument.Parse(answer);
            var payload = json.RootElement.GetProperty("payload");
            foreach (var row in payload.GetProperty("clients").EnumerateArray())
            {
                if (row.GetProperty("identity").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
                {
                    rows++;
                    good += row.GetProperty("status").GetString() == "GOOD" ? 1 : 0;
                }
            }
            total = payload.GetProperty("total").GetInt32();
            offset = payload.GetProperty("next_offset") is { ValueKind: JsonValueKind.Number } next ? next.GetInt32() : null;
            pages++;
        }
        return (rows, good, total, pages, clock.Elapsed);
    }

    /// <summary>Walks the table again and again on a thread of its own until <see cref="Stop"/>.</summary>
    public void Start()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                Walk(TimeSpan.FromMinutes(1));
                _walks++;
            }
        }) { Name = "clients pager", IsBackground = true };
        _thread.Start();
    }

    public (long Requests, long Pages, long Busy, long Walks) Stop()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(30));
        return (_requests, _pages, _busy, _walks);
    }

    private string? Ask(int offset)
    {
        var wait = Pace - _sinceRequest.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait); // pacing the requests, as the router asks of a peer
        }
        _sinceRequest.Restart();
        _socket.SendFrame(Encoding.UTF8.GetBytes($$"""{"sender":"{{Identity}}","target":"HydraRouter","method":"clients","payload":{"offset":{{offset}},"limit":5000},"protocol_version":1}"""));
        _requests++;
        if (!_socket.TryReceiveFrameString(TimeSpan.FromSeconds(10), out var answer))
        {
            return null;
        }
        if (answer.Contains("\"method\":\"clients\"", StringComparison.Ordinal))
        {
            _pages++;
            return answer;
        }
        _busy++;
        return null;
    }

    public void Dispose() => _socket.Dispose();
}
