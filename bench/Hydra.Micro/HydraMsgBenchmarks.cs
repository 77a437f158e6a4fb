using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Hydra.Micro;

/// <summary>What a peer pays per message: HydraMsg to and from its wire frame.</summary>
public class HydraMsgBenchmarks
{
    private byte[] _frame = [];
    private HydraMsg _message = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    [Params(100, 1000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = Frames.OfSize(Size);
        _message = HydraMsg.FromJson(_frame);
    }

    [Benchmark]
    public HydraMsg Decode() => HydraMsg.FromJson(_frame);

    [Benchmark]
    public byte[] Encode() => _message.ToJson();

    [Benchmark]
    public int EncodeIntoReusedBuffer()
    {
        _buffer.ResetWrittenCount();
        _message.WriteTo(_buffer);
        return _buffer.WrittenCount;
    }
}
