using System.Text;
using BenchmarkDotNet.Attributes;
using Hydra.Protocol;
using Hydra.Routing.Internal;

namespace Hydra.Micro;

/// <summary>
/// The router's own work per message, without the sockets: inspecting the frame in place,
/// finding sender and target in the client table, and writing a pong. All should allocate 0 bytes.
/// </summary>
public class RouterPathBenchmarks
{
    private byte[] _frame = [];
    private ClientTable _clients = null!;
    private readonly ReplyWriter _replies = new();
    private readonly byte[] _sender = Encoding.UTF8.GetBytes("bench-s");

    [Params(100, 1000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = Frames.OfSize(Size);
        _clients = new ClientTable(TimeProvider.System, TimeSpan.FromSeconds(60), 100_000);
        _clients.Touch("bench-s"u8);
        _clients.Touch("bench-r"u8);
        for (var i = 0; i < 1000; i++)
        {
            _clients.Touch(Encoding.UTF8.GetBytes($"idle-{i:D4}"));
        }
    }

    /// <summary>The floor: Utf8JsonReader visiting every token, with no checks at all.</summary>
    [Benchmark(Baseline = true)]
    public int ReadAllTokens()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_frame);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }
        return tokens;
    }

    /// <summary>The whole validation: UTF-8, JSON, required fields, protocol version.</summary>
    [Benchmark]
    public bool InspectFrame() => FrameInspector.Inspect(_frame, out _) is null;

    /// <summary>The same validation through the full reader only (what every frame took before FrameScanner).</summary>
    [Benchmark]
    public bool InspectWithJsonReader()
    {
        var header = default(FrameHeader);
        return System.Text.Unicode.Utf8.IsValid(_frame) && FrameInspector.ReadWithJsonReader(_frame, ref header) is null;
    }

    /// <summary>Inspection plus what Admit and Forward do with the result (table lookups, sender check).</summary>
    [Benchmark]
    public bool InspectAndLookUp()
    {
        if (FrameInspector.Inspect(_frame, out var header) is not null)
        {
            return false;
        }
        var entry = _clients.Touch(_sender);
        return entry is not null
            && header.Sender.Bytes(_frame).SequenceEqual(_sender)
            && _clients.TryGet(header.Target.Bytes(_frame), out _);
    }

    [Benchmark]
    public int WritePong() => _replies.Empty(_sender, HydraMethods.Pong, default).Length;
}
