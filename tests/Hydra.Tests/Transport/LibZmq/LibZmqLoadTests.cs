using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

public sealed class LibZmqLoadTests
{
    [LibZmqFact]
    public void Loads_the_system_libzmq_4_3_with_curve()
    {
        Assert.True(ZmqLibrary.TryLoad(out var whyNot), whyNot);
        Assert.Null(whyNot);
        Assert.Equal((4, 3), (ZmqLibrary.Version.Major, ZmqLibrary.Version.Minor));
        Assert.True(ZmqLibrary.Has("curve"), "libzmq was built without CURVE");
        Assert.False(ZmqLibrary.Has("no-such-capability"));
        Assert.Contains(ZmqLibrary.LoadedFrom, ZmqLibrary.Candidates);
    }

    [Fact]
    public void ZmqMsg_has_the_size_of_zmq_msg_t()
    {
        Assert.Equal(64, System.Runtime.CompilerServices.Unsafe.SizeOf<ZmqMsg>()); // zmq.h: unsigned char _[64], pointer-aligned
    }

    [LibZmqFact]
    public void Errors_are_classified_and_described()
    {
        using var context = ZmqContext.Create();
        using var socket = ZmqSocket.Create(context, ZmqSocketType.Dealer);
        var e = Assert.Throws<ZmqException>(() => socket.Bind("nosuchtransport://x"));
        Assert.Equal(ZmqError.ProtocolNotSupported, e.Error);
        Assert.Contains("zmq_bind(nosuchtransport://x)", e.Message, StringComparison.Ordinal);
        Assert.Equal(ZmqError.NoSuchEndpoint, Assert.Throws<ZmqException>(() => socket.Unbind("tcp://127.0.0.1:1")).Error);
    }

    [Fact]
    public void A_missing_library_gives_a_one_line_reason_with_the_install_hint()
    {
        Assert.False(ZmqLibrary.TryLoadFrom(["libzmq-hydra-test-missing.so.9", "libzmq-hydra-test-missing.so"], out var whyNot));
        Assert.NotNull(whyNot);
        Assert.DoesNotContain('\n', whyNot);
        Assert.Contains("libzmq-hydra-test-missing.so.9, libzmq-hydra-test-missing.so", whyNot, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.EndsWith("install it: apt-get install libzmq5", whyNot, StringComparison.Ordinal);
        }
        else if (OperatingSystem.IsMacOS())
        {
            Assert.EndsWith("install it: brew install zeromq", whyNot, StringComparison.Ordinal);
        }
    }
}
