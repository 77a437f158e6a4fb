using System.Text.RegularExpressions;
using Hydra.Security;
using Hydra.Testing;

namespace Hydra.Tests.Security;

/// <summary>Key files through the hydra command: the wrong kind is refused, old plain files still work, pyzmq reads ours.</summary>
public sealed partial class CliKeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-cli-keyfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [GeneratedRegex(@":(\d+) \(heartbeats on (\d+)\)")]
    private static partial Regex ListeningPorts();

    private async Task KeygenAsync(string name)
    {
        await using var keygen = ChildProcess.Hydra("keygen", In(name));
        Assert.Equal(0, await keygen.WaitForExitAsync());
    }

    private static async Task<string[]> ErrorLinesAsync(params string[] arguments)
    {
        await using var hydra = ChildProcess.Hydra(arguments);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        return hydra.Output.Split('\n');
    }

    [Fact]
    public async Task A_public_key_given_as_the_secret_key_is_refused_in_one_line()
    {
        await KeygenAsync("alice");
        await KeygenAsync("router");
        Assert.Equal([$"ERROR: {In("alice.pub")} holds a public key; --curve-key needs a secret key file ({In("alice.key")})", "see 'hydra ping --help'"],
            await ErrorLinesAsync("ping", "--server-key", In("router.pub"), "--curve-key", In("alice.pub")));
        Assert.Equal($"ERROR: {In("router.pub")} holds a public key; --curve-key needs a secret key file ({In("router.key")})",
            (await ErrorLinesAsync("router", "--headless", "--curve-key", In("router.pub")))[0]);
    }

    [Fact]
    public async Task A_secret_key_given_as_the_routers_public_key_is_refused_in_one_line()
    {
        await KeygenAsync("alice");
        Assert.Equal([$"ERROR: {In("alice.key")} holds a secret key; --server-key needs the router's public key file (a .pub file)", "see 'hydra ping --help'"],
            await ErrorLinesAsync("ping", "--server-key", In("alice.key")));
    }

    [Fact]
    public async Task A_missing_key_file_is_one_line()
    {
        Assert.Equal([$"ERROR: --server-key {In("nowhere.pub")}: no such file", "see 'hydra pong --help'"],
            await ErrorLinesAsync("pong", "--server-key", In("nowhere.pub")));
    }

    [Fact]
    public async Task Plain_key_files_from_older_versions_still_encrypt()
    {
        var router = CurveKeyPair.Generate();
        await File.WriteAllTextAsync(In("old-router.key"), router.SecretKey + "\n");
        await File.WriteAllTextAsync(In("old-router.pub"), router.PublicKey + "\n");
        await using var routerProcess = ChildProcess.Hydra("router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0",
            "--curve-key", In("old-router.key"));
        var ports = ListeningPorts().Match(await routerProcess.WaitForLineAsync(l => l.Contains("Router listening", StringComparison.Ordinal), "the listening line"));
        await using var ping = ChildProcess.Hydra("ping", "--router", "127.0.0.1", "--port", ports.Groups[1].Value, "--heartbeat-port", ports.Groups[2].Value,
            "--server-key", In("old-router.pub"), "--count", "1", "--timeout", "10");
        Assert.Equal(0, await ping.WaitForExitAsync());
        Assert.Contains("pong from HydraRouter: seq=1", ping.Output);
    }

    [PythonFact]
    public async Task Pyzmq_loads_the_certificates_keygen_writes()
    {
        await using var keygen = ChildProcess.Hydra("keygen", In("alice"));
        Assert.Equal(0, await keygen.WaitForExitAsync());
        var printedPublicKey = Regex.Match(keygen.Output, @"public key: .+\.pub (\S{40})").Groups[1].Value;
        await using var python = ChildProcess.Start(Python.Interpreter, "-c", """
            import sys, zmq, zmq.auth
            public, secret = zmq.auth.load_certificate(sys.argv[1] + ".key")
            public_only, none = zmq.auth.load_certificate(sys.argv[1] + ".pub")
            assert none is None, "the public certificate holds a secret key"
            print(public.decode(), secret.decode(), public_only.decode(), zmq.curve_public(secret).decode())
            """, In("alice"));
        Assert.Equal(0, await python.WaitForExitAsync());
        var keys = python.Output.Trim().Split(' ');
        Assert.Equal([printedPublicKey, printedPublicKey], [keys[0], keys[2]]);
        Assert.Equal(printedPublicKey, keys[3]); // libzmq derives the same public key from the secret one
        Assert.Equal(keys[1], KeyFile.Read(In("alice.key")).Key);
    }

    [Fact]
    public async Task Keygen_force_replaces_a_link_instead_of_writing_the_secret_through_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await File.WriteAllTextAsync(In("notes.txt"), "shared notes\n");
        File.CreateSymbolicLink(In("dave.key"), In("notes.txt"));
        await using var keygen = ChildProcess.Hydra("keygen", In("dave"), "--force");
        Assert.Equal(0, await keygen.WaitForExitAsync());
        Assert.Equal("shared notes\n", await File.ReadAllTextAsync(In("notes.txt")));
        Assert.Equal(KeyFileKind.Secret, KeyFile.Read(In("dave.key")).Kind);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(In("dave.key")));
    }

    [Fact]
    public async Task Keygen_into_a_missing_directory_says_which_directory()
    {
        var prefix = Path.Combine(_dir, "nope", "dir", "k");
        await using var keygen = ChildProcess.Hydra("keygen", prefix);
        Assert.Equal(1, await keygen.WaitForExitAsync());
        Assert.Equal($"ERROR: cannot write {prefix}.key: the directory {Path.Combine(_dir, "nope", "dir")} does not exist", keygen.Output);
    }
}
