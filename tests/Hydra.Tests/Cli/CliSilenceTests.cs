using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hydra.Routing;
using Hydra.Security;
using Hydra.Testing;

namespace Hydra.Tests.Cli;

/// <summary>
/// When nothing answers, the commands say what can be known: nothing listens there, or the
/// router closes the connection in the handshake (encryption settings differ), instead of
/// the same "timed out" for every cause.
/// </summary>
public sealed class CliSilenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-cli-silence-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ping_with_no_router_says_nothing_accepts_connections_there()
    {
        var port = UnusedPort();
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Text(port), "--heartbeat-port", Text(UnusedPort()), "--count", "1", "--timeout", "1");
        Assert.Equal(1, await ping.WaitForExitAsync());
        Assert.Contains($"timed out after 1 s (no connection to 127.0.0.1:{port}: nothing accepts connections there", ping.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_without_the_server_key_of_an_encrypted_router_says_the_handshake_fails()
    {
        var keys = CurveKeyPair.Generate();
        await using var router = TestRouter.Start(new RouterOptions { CurveSecretKey = keys.SecretKey });
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort), "--count", "1", "--timeout", "2");
        Assert.Equal(1, await ping.WaitForExitAsync());
        Assert.Contains("accepts connections but closes them during the ZeroMQ handshake: the encryption settings differ", ping.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_with_a_wrong_server_key_says_the_handshake_fails()
    {
        var keys = CurveKeyPair.Generate();
        await using var router = TestRouter.Start(new RouterOptions { CurveSecretKey = keys.SecretKey });
        var (_, wrongPublic) = KeyFile.WritePair(CurveKeyPair.Generate(), Path.Combine(_dir, "wrong"));
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", Text(router.Port), "--heartbeat-port", Text(router.HeartbeatPort),
            "--server-key", wrongPublic, "--count", "1", "--timeout", "2");
        Assert.Equal(1, await ping.WaitForExitAsync());
        Assert.Contains("closes them during the ZeroMQ handshake", ping.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pong_with_no_router_warns_that_it_is_not_connected()
    {
        var port = UnusedPort();
        await using var pong = ChildProcess.Hydra("pong", "--router", "127.0.0.1", "--port", Text(port), "--heartbeat-port", Text(UnusedPort()));
        // Two heartbeat intervals (5 s each by default) without a reply, then one warning.
        var warning = await pong.WaitForLineAsync(l => l.Contains("[WARNING]", StringComparison.Ordinal), "the not-connected warning", TimeSpan.FromSeconds(30));
        Assert.Contains($"HydraServer: not connected to the router yet: no connection to 127.0.0.1:{port}: nothing accepts connections there", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("answering ping via", pong.Output, StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
