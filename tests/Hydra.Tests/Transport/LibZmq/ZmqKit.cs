using System.Text;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// Sockets for the binding's tests. Every blocking receive and send has a deadline
/// (ZMQ_RCVTIMEO / ZMQ_SNDTIMEO), so a missing message fails the test instead of hanging it.
/// </summary>
internal static class ZmqKit
{
    public const int DeadlineMs = 5_000;

    public static ZmqSocket Router(ZmqContext context, out string endpoint, Action<ZmqSocket>? configure = null)
    {
        var socket = ZmqSocket.Create(context, ZmqSocketType.Router);
        socket.SetOption(ZmqSocketOption.ReceiveTimeout, DeadlineMs);
        socket.SetOption(ZmqSocketOption.SendTimeout, DeadlineMs);
        configure?.Invoke(socket);
        socket.Bind("tcp://127.0.0.1:*");
        endpoint = socket.LastEndpoint;
        return socket;
    }

    public static ZmqSocket Dealer(ZmqContext context, string identity, string endpoint, Action<ZmqSocket>? configure = null)
    {
        var socket = ZmqSocket.Create(context, ZmqSocketType.Dealer);
        socket.SetOption(ZmqSocketOption.RoutingId, Encoding.UTF8.GetBytes(identity));
        socket.SetOption(ZmqSocketOption.ReceiveTimeout, DeadlineMs);
        socket.SetOption(ZmqSocketOption.SendTimeout, DeadlineMs);
        configure?.Invoke(socket);
        socket.Connect(endpoint);
        return socket;
    }

    public static void Send(ZmqSocket socket, params string[] frames)
    {
        for (var i = 0; i < frames.Length; i++)
        {
            var error = socket.Send(Encoding.UTF8.GetBytes(frames[i]), i < frames.Length - 1 ? ZmqFlags.SendMore : ZmqFlags.None);
            Assert.Equal(ZmqError.None, error);
        }
    }

    /// <summary>The next whole message as text frames; fails if none arrives within the deadline.</summary>
    public static string[] Receive(ZmqSocket socket)
    {
        using var block = new ZmqMsgBlock(1);
        var frame = block[0];
        var frames = new List<string>();
        do
        {
            var error = socket.Receive(frame, ZmqFlags.None);
            Assert.True(error == ZmqError.None, $"nothing received within {DeadlineMs} ms ({error})");
            frames.Add(Encoding.UTF8.GetString(frame.Bytes));
        }
        while (frame.More);
        return [.. frames];
    }

    /// <summary>Reads monitor events until one of <paramref name="kind"/> comes; fails at the deadline.</summary>
    public static ZmqMonitorEvent WaitFor(this ZmqMonitor monitor, ZmqMonitorEvents kind, List<ZmqMonitorEvent>? seen = null)
    {
        var deadline = Environment.TickCount64 + DeadlineMs;
        while (Environment.TickCount64 < deadline)
        {
            if (monitor.TryRead(out var monitorEvent, (int)Math.Max(1, deadline - Environment.TickCount64)))
            {
                seen?.Add(monitorEvent);
                if (monitorEvent.Event == kind)
                {
                    return monitorEvent;
                }
            }
        }
        Assert.Fail($"no {kind} event within {DeadlineMs} ms; saw: {string.Join(", ", seen ?? [])}");
        return default;
    }
}
