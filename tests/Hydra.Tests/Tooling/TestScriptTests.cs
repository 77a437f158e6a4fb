using Hydra.Testing;

namespace Hydra.Tests.Tooling;

/// <summary>
/// <c>./test.sh</c>, the README's one command: what it says about missing packages on a fresh
/// machine (tests/needs.sh), and its closing line. The package probes and apt-get are replaced by
/// shell functions, so these tests neither need a fresh machine nor install anything.
/// </summary>
public class TestScriptTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task Without_root_or_apt_the_first_lines_name_each_missing_package_and_what_it_skips()
    {
        var output = await NeedsAsync("has_python3_zmq() { true; }; has_libzmq5() { true; }; has_nats_server() { false; }; has_tmux() { false; }; can_install() { false; }");

        Assert.Equal(
            [
                "MISSING nats-server: skipped without it: the cluster tests (they start real NATS servers)",
                "MISSING tmux: skipped without it: the terminal apps end to end (tests/e2e) and the terminal tests run in tmux",
                "install them with: apt-get install -y nats-server tmux",
                "still missing: nats-server tmux",
            ],
            output);
    }

    [Fact]
    public async Task As_root_with_apt_the_missing_packages_are_installed_first()
    {
        // apt-get "installs" by making the probes succeed, as the real one would.
        var output = await NeedsAsync(
            "has_libzmq5() { true; }; has_nats_server() { true; }; installed=''; has_tmux() { [[ $installed == *tmux* ]]; }; has_python3_zmq() { [[ $installed == *python3-zmq* ]]; }; "
            + "can_install() { true; }; apt-get() { calls+=\"apt-get $*; \"; [[ $1 == install ]] && installed=\"$*\"; return 0; }",
            then: "echo \"$calls\"");

        Assert.Equal(
            [
                "== installing what the tests need: python3-zmq tmux",
                "still missing: ",
                "apt-get update -qq; apt-get install -y -qq python3-zmq tmux; ",
            ],
            output);
    }

    [Fact]
    public async Task The_closing_line_counts_skipped_tests()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // test.sh is a bash script
        }
        // A dotnet that reports one test project with 2 skipped tests and passes the benchmark smoke.
        var bin = Directory.CreateTempSubdirectory("hydra-fake-dotnet-");
        try
        {
            var fake = Path.Combine(bin.FullName, "dotnet");
            await File.WriteAllTextAsync(fake, """
                #!/usr/bin/env bash
                if [[ $1 == test ]]; then
                  echo "Passed!  - Failed:     0, Passed:     3, Skipped:     2, Total:     5, Duration: 1 s - Hydra.Tests.dll (net10.0)"
                fi
                exit 0
                """.ReplaceLineEndings("\n"));
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var script = ChildProcess.Start("bash", [Path.Combine(Root, "test.sh")], new Dictionary<string, string>
            {
                ["PATH"] = $"{bin.FullName}:{Environment.GetEnvironmentVariable("PATH")}",
                ["HYDRA_TEST_INSTALL"] = "0",
                ["E2E_DEADLINE_SECONDS"] = "1", // the fake dotnet runs no app: the end-to-end step fails at once
            });
            await script.WaitForExitAsync(TimeSpan.FromSeconds(60));

            var closing = script.Output.Split('\n')[^1];
            Assert.Matches(@"^\d+ passed, \d+ failed, \d+ skipped$", closing);
            var e2eSkipped = script.Output.Contains("MISSING tmux", StringComparison.Ordinal) ? 1 : 0;
            Assert.EndsWith($", {2 + e2eSkipped} skipped", closing);
            Assert.StartsWith("4 passed, ", closing); // 3 tests and the benchmark smoke
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    /// <summary>Sources tests/needs.sh, replaces what <paramref name="stubs"/> defines, runs check_needs, then <paramref name="then"/>.</summary>
    private static async Task<string[]> NeedsAsync(string stubs, string then = "")
    {
        await using var shell = ChildProcess.Start("bash", ["-c", $"source '{Root}/tests/needs.sh'; {stubs}; check_needs; echo \"still missing: $MISSING_NEEDS\"; {then}"]);
        Assert.Equal(0, await shell.WaitForExitAsync());
        return shell.Output.Split('\n');
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "test.sh")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("test.sh not found above " + AppContext.BaseDirectory);
    }
}
