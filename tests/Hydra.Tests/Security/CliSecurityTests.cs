using System.Text.RegularExpressions;
using Hydra.Testing;

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
}
