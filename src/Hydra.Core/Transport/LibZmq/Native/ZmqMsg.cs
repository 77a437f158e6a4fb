using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// libzmq's <c>zmq_msg_t</c>: 64 opaque bytes, pointer-aligned (eight ulongs give the
/// alignment). libzmq is given its address; a small message's bytes live inside it, so it must
/// not move while in use and must never be copied by value (two copies would both think they
/// own the content). Keep it in native memory (<see cref="ZmqMsgBlock"/>) or in a stack local,
/// and work with it through <see cref="ZmqMsgRef"/>, which copies only the pointer.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal unsafe struct ZmqMsg
{
    private fixed ulong _opaque[8];
}
