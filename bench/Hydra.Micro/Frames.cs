using System.Text;

namespace Hydra.Micro;

/// <summary>The same frames the load benchmark routes: about 100 and 1,000 bytes.</summary>
internal static class Frames
{
    public static byte[] OfSize(int size)
    {
        static string Json(string pad) =>
            $"{{\"sender\":\"bench-s\",\"target\":\"bench-r\",\"method\":\"bench\",\"payload\":{{\"seq\":\"0000000042\",\"pad\":\"{pad}\"}},\"protocol_version\":1}}";
        var empty = Encoding.UTF8.GetByteCount(Json(""));
        return Encoding.UTF8.GetBytes(Json(new string('x', Math.Max(0, size - empty))));
    }
}
