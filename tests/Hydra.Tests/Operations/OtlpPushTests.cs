using System.Net;
using System.Text;
using Hydra.Testing;
using static Hydra.Tests.Operations.HeadlessRouter;

namespace Hydra.Tests.Operations;

/// <summary><c>--otlp-endpoint</c> pushes to a real HTTP endpoint: a listener in the test stands in for the collector.</summary>
public sealed class OtlpPushTests
{
    [Fact]
    public async Task Router_pushes_its_metrics_as_otlp_protobuf()
    {
        using var collector = StartCollector(out var port);
        // The SDK's own variable, so the test need not wait the default minute for a push.
        await using var router = await StartAsync(
            ["--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--otlp-endpoint", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string> { ["OTEL_METRIC_EXPORT_INTERVAL"] = "300" });

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        while (true)
        {
            var push = await collector.GetContextAsync().WaitAsync(deadline.Token);
            using var body = new MemoryStream();
            await push.Request.InputStream.CopyToAsync(body, deadline.Token);
            push.Response.StatusCode = 200;
            push.Response.Close();
            Assert.Equal("POST", push.Request.HttpMethod);
            Assert.Equal("/v1/metrics", push.Request.Url!.AbsolutePath);
            Assert.Equal("application/x-protobuf", push.Request.ContentType);
            // Protobuf keeps strings as UTF-8: the service and the meter's instruments are in there by name.
            var payload = Encoding.UTF8.GetString(body.ToArray());
            Assert.Contains("hydra-router", payload, StringComparison.Ordinal);
            if (payload.Contains("hydra.router.messages.received", StringComparison.Ordinal))
            {
                return;
            }
            seen.Add(Printable(payload));
            Assert.True(seen.Count < 10, $"no push carried the router's instruments: {string.Join(" | ", seen)}");
        }
    }

    private static string Printable(string payload) => new([.. payload.Where(c => c is >= ' ' and <= '~')]);

    /// <summary>HttpListener cannot bind port 0: take a free port, then listen on it (retrying if another process was quicker).</summary>
    private static HttpListener StartCollector(out int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }
}
