using Hydra.Testing;
using static Hydra.Tests.Operations.HeadlessRouter;

namespace Hydra.Tests.Operations;

/// <summary>
/// <c>--metrics-port</c> as an operator uses it: start the router with a free metrics port, let
/// pyzmq peers ping it and be refused, scrape <c>/metrics</c> over HTTP and read the numbers.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [PythonFact]
    public async Task Router_metrics_count_what_python_peers_did()
    {
        await using var router = await StartAsync(["--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--metrics-port", "0", "--metrics-address", "127.0.0.1"]);
        var metricsPort = await MetricsPortAsync(router.Process);
        string[] ports = ["--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort)];

        await using (var ping = Python.Run("py_peer.py", ["ping", "--id", "PyPinger", .. ports]))
        {
            Assert.Equal("pong", (string?)(await ping.WaitForEventAsync("reply"))["method"]);
        }
        for (var i = 0; i < 2; i++)
        {
            await using var lost = Python.Run("py_peer.py", ["send", "--id", "PyLost", "--target", "Nobody", .. ports]);
            Assert.Equal("unknown_target", (string?)(await lost.WaitForEventAsync("reply"))["payload"]!["code"]);
        }
        await using (var garbage = Python.Run("py_peer.py", ["raw", "--id", "PyGarbage", "--raw", Convert.ToHexString("{not json"u8), .. ports]))
        {
            Assert.Equal("bad_message", (string?)(await garbage.WaitForEventAsync("reply"))["payload"]!["code"]);
        }

        var metrics = PrometheusText.Parse(await Http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Equal("counter", metrics.Types["hydra_router_messages_received_total"]);
        Assert.Equal("counter", metrics.Types["hydra_router_messages_refused_total"]);
        Assert.Equal("counter", metrics.Types["hydra_router_messages_answered_total"]);
        Assert.Equal("gauge", metrics.Types["hydra_router_clients"]);
        Assert.Equal(1, metrics.Value("hydra_router_messages_answered_total", ("hydra_method", "ping")));
        Assert.Equal(2, metrics.Value("hydra_router_messages_refused_total", ("error_type", "unknown_target")));
        Assert.Equal(1, metrics.Value("hydra_router_messages_refused_total", ("error_type", "bad_message")));
        Assert.Equal(0, metrics.Value("hydra_router_messages_refused_total", ("error_type", "busy")));
        Assert.Equal(0, metrics.Value("hydra_router_messages_routed_total"));
        // py_peer heartbeats only when serving, so these are the 1 ping, 2 sends and 1 garbage frame.
        Assert.Equal(4, metrics.Value("hydra_router_messages_received_total"));
        Assert.Equal(3, metrics.Sum("hydra_router_clients")); // PyPinger, PyLost and PyGarbage, whatever their status
    }

    [Fact]
    public async Task By_default_metrics_are_served_on_every_interface()
    {
        await using var router = await StartAsync(["--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0", "--metrics-port", "0"]);
        var metricsPort = await MetricsPortAsync(router.Process);
        var text = await Http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Equal("counter", PrometheusText.Parse(text).Types["hydra_router_messages_routed_total"]);
        if (System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            using var ipv6 = await Http.GetAsync($"http://[::1]:{metricsPort}/metrics");
            Assert.Equal(System.Net.HttpStatusCode.OK, ipv6.StatusCode);
        }
    }

    [Fact]
    public async Task Pong_serves_its_peer_metrics()
    {
        await using var router = TestRouter.Start();
        await using var pong = ChildProcess.Hydra("pong", "--router", "127.0.0.1", "--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort),
            "--id", "MeteredPong", "--metrics-port", "0", "--metrics-address", "127.0.0.1");
        var url = $"http://127.0.0.1:{await MetricsPortAsync(pong)}/metrics";
        var connected = await Eventually.ValueAsync(async () => PrometheusText.Parse(await Http.GetStringAsync(url)),
            m => m.Samples.Any(s => s.Name == "hydra_mq_connected" && s.Value == 1), "hydra_mq_connected 1");
        Assert.Equal("gauge", connected.Types["hydra_mq_connected"]);
        Assert.Equal("MeteredPong", connected.Samples.First(s => s.Name == "hydra_mq_connected").Labels["hydra_peer"]);

        await using var client = new HydraClient(router.PeerOptions());
        await client.StartAsync();
        await client.PingAsync("MeteredPong");

        // The pong counts its reply right after handing it to ZeroMQ: on a loaded machine the ping's
        // answer can arrive, and a scrape run, before that thread gets the CPU back.
        var after = await Eventually.ValueAsync(async () => PrometheusText.Parse(await Http.GetStringAsync(url)),
            m => m.Samples.Any(s => s.Name == "hydra_mq_messages_sent_total" && s.Value >= 1), "hydra_mq_messages_sent_total ≥ 1");
        Assert.Equal("counter", after.Types["hydra_mq_messages_received_total"]);
        Assert.True(after.Value("hydra_mq_messages_received_total", ("hydra_peer", "MeteredPong")) >= 1);
        Assert.True(after.Value("hydra_mq_messages_sent_total", ("hydra_peer", "MeteredPong")) >= 1);
    }

    [Fact]
    public async Task A_metrics_port_in_use_is_one_error_line_and_exit_1()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--metrics-port", Text(port), "--metrics-address", "127.0.0.1");
        Assert.Equal(1, await router.WaitForExitAsync());
        Assert.Contains($"ERROR: cannot serve metrics on 127.0.0.1:{port}: port {port} is already in use", router.Output);
    }
}
