using System.Text.RegularExpressions;
using Hydra.Testing;
using Hydra.Transport;

namespace Hydra.Tests.Security;

/// <summary>The README's security set-up, run as a user would: keygen, an encrypted router, a ping.</summary>
public sealed class CliSecurityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-cli-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    private static async Task<int> RunAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Hydra(arguments);
        return await process.WaitForExitAsync();
    }

    private static async Task<(string Port, string HeartbeatPort)> PortsOfAsync(ChildProcess router)
    {
        var listening = await router.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line");
        var ports = Regex.Match(listening, @":(\d+) \(heartbeats on (\d+)\)");
        return (ports.Groups[1].Value, ports.Groups[2].Value);
    }

    [Fact]
    public async Task Keygen_writes_a_pair_and_will_not_overwrite_it()
    {
        Assert.Equal(0, await RunAsync("keygen", In("router")));
        Assert.True(File.Exists(In("router.key")) && File.Exists(In("router.pub")));
        var secret = await File.ReadAllTextAsync(In("router.key"));
        await using var again = ChildProcess.Hydra("keygen", In("router"));
        Assert.Equal(1, await again.WaitForExitAsync());
        Assert.Contains("use --force", again.Output);
        Assert.Equal(secret, await File.ReadAllTextAsync(In("router.key")));
    }

    [Fact]
    public async Task Encrypted_router_with_authorized_keys_answers_only_the_listed_peer()
    {
        Assert.Equal(0, await RunAsync("keygen", In("router")));
        Assert.Equal(0, await RunAsync("keygen", In("alice")));
        Assert.Equal(0, await RunAsync("keygen", In("mallory")));
        // As the README says: grep public-key alice.pub >> clients.txt
        var aliceLine = File.ReadLines(In("alice.pub")).Single(l => l.TrimStart().StartsWith("public-key", StringComparison.Ordinal));
        await File.WriteAllTextAsync(In("clients.txt"), $"# who may connect\n{aliceLine}\n");

        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("router.key"), "--authorized-keys", In("clients.txt"));
        var (port, heartbeatPort) = await PortsOfAsync(router);
        Assert.Contains("encrypted, authorized keys only", router.Output);

        await using var alice = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", port, "--heartbeat-port", heartbeatPort,
            "--server-key", In("router.pub"), "--curve-key", In("alice.key"), "--count", "1");
        Assert.Equal(0, await alice.WaitForExitAsync());
        Assert.Contains("pong from HydraRouter: seq=1", alice.Output);

        await using var mallory = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", port, "--heartbeat-port", heartbeatPort,
            "--server-key", In("router.pub"), "--curve-key", In("mallory.key"), "--count", "1");
        Assert.Equal(1, await mallory.WaitForExitAsync());
        Assert.Contains("is not authorized on this router", mallory.Output);
    }

    [Fact]
    public async Task Listening_on_all_interfaces_without_curve_warns()
    {
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "*", "--port", "0", "--heartbeat-port", "0");
        await router.WaitForLineAsync(l => l.Contains("[WARNING]", StringComparison.Ordinal) && l.Contains("without encryption", StringComparison.Ordinal), "the warning");
    }

    [Fact]
    public async Task A_bad_key_file_is_one_clear_error()
    {
        await File.WriteAllTextAsync(In("bad.key"), "not a key\n");
        await using var router = ChildProcess.Hydra("router", "--headless", "--port", "0", "--heartbeat-port", "0", "--curve-key", In("bad.key"));
        Assert.Equal(1, await router.WaitForExitAsync());
        Assert.Equal([$"ERROR: {In("bad.key")}:1: the key must be 40 characters of Z85 text (as 'hydra keygen' writes), got 9 characters",
            "see 'hydra router --help'"], router.Output.Split('\n'));
    }

    private static string Flag(HydraTransport transport) => transport.ToString().ToLowerInvariant();

    /// <summary>Keys for a router and alice, with alice listed in clients.txt.</summary>
    private async Task KeysWithAliceListedAsync()
    {
        Assert.Equal(0, await RunAsync("keygen", In("router")));
        Assert.Equal(0, await RunAsync("keygen", In("alice")));
        var aliceLine = File.ReadLines(In("alice.pub")).Single(l => l.TrimStart().StartsWith("public-key", StringComparison.Ordinal));
        await File.WriteAllTextAsync(In("clients.txt"), $"{aliceLine}\n");
    }

    [Fact]
    public async Task A_secret_key_others_can_read_is_warned_about_by_router_and_peer()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no file modes
        }
        await KeysWithAliceListedAsync();
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead; // chmod 644
        File.SetUnixFileMode(In("router.key"), readable);
        File.SetUnixFileMode(In("alice.key"), readable);

        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("router.key"));
        await PortsOfAsync(router);
        Assert.Contains($"WARNING: {In("router.key")} holds a secret key and is readable by others (mode 644); make it private: chmod 600 {In("router.key")}",
            router.Output.Split('\n'));

        await using var alice = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2",
            "--server-key", In("router.pub"), "--curve-key", In("alice.key"), "--count", "1", "--timeout", "0.3");
        Assert.Equal(1, await alice.WaitForExitAsync());
        Assert.Equal($"WARNING: {In("alice.key")} holds a secret key and is readable by others (mode 644); make it private: chmod 600 {In("alice.key")}",
            alice.Output.Split('\n')[0]);
    }

    [Fact]
    public async Task A_private_secret_key_gets_no_warning()
    {
        await KeysWithAliceListedAsync();
        await using var alice = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2",
            "--server-key", In("router.pub"), "--curve-key", In("alice.key"), "--count", "1", "--timeout", "0.3");
        Assert.Equal(1, await alice.WaitForExitAsync());
        Assert.DoesNotContain("WARNING", alice.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_authorized_keys_file_stops_the_router_with_one_line()
    {
        Assert.Equal(0, await RunAsync("keygen", In("router")));
        await File.WriteAllTextAsync(In("clients.txt"), "# nobody yet\n\n");
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("router.key"), "--authorized-keys", In("clients.txt"));
        Assert.Equal(1, await router.WaitForExitAsync());
        Assert.Equal(
            [$"ERROR: {In("clients.txt")} lists no public keys, so no peer could ever connect: add one per line (grep public-key alice.pub >> {In("clients.txt")})",
             "see 'hydra router --help'"],
            router.Output.Split('\n'));
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task Authorized_keys_on_NetMQ_warn_that_pyzmq_peers_cannot_get_in(HydraTransport transport)
    {
        await KeysWithAliceListedAsync();
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("router.key"), "--authorized-keys", In("clients.txt"), "--transport", Flag(transport));
        await PortsOfAsync(router);
        var warned = router.Output.Contains("pyzmq peers do not send it and are refused", StringComparison.Ordinal);
        Assert.Equal(transport == HydraTransport.NetMQ, warned);
    }

    [Theory, OnNetMQ, OnLibZmq]
    public async Task A_peer_without_a_key_of_its_own_is_told_to_get_one(HydraTransport transport)
    {
        await KeysWithAliceListedAsync();
        await using var router = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("router.key"), "--authorized-keys", In("clients.txt"), "--transport", Flag(transport));
        var (port, heartbeatPort) = await PortsOfAsync(router);

        await using var anonymous = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", port, "--heartbeat-port", heartbeatPort,
            "--server-key", In("router.pub"), "--count", "1", "--transport", Flag(transport));
        Assert.Equal(1, await anonymous.WaitForExitAsync());
        Assert.Contains("this peer has no key of its own: give it one (hydra keygen NAME, then --curve-key NAME.key", anonymous.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not authorized", anonymous.Output, StringComparison.Ordinal);
    }
}
