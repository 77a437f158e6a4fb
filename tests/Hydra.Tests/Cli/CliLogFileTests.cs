using Hydra.Testing;

namespace Hydra.Tests.Cli;

/// <summary>A log file that cannot be written stops the command at start, with one line saying why.</summary>
public sealed class CliLogFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hydra-cli-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The terminal app (router without --headless) checks for a terminal before anything else,
    // so as a child process without one it cannot get to its log file.
    public static TheoryData<string[]> Commands => new()
    {
        { ["router", "--headless", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0"] },
        { ["pong", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_log_file_in_a_missing_directory_is_an_error_at_start(string[] command)
    {
        var path = Path.Combine(_dir, "no-such-dir", "hydra.log");
        await using var hydra = ChildProcess.Hydra([.. command, "--log-file", path]);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.Equal($"ERROR: cannot write the log file {path}: the directory {Path.Combine(_dir, "no-such-dir")} does not exist", hydra.Output);
        Assert.False(Directory.Exists(Path.Combine(_dir, "no-such-dir")));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_log_file_that_is_a_directory_is_an_error_at_start(string[] command)
    {
        await using var hydra = ChildProcess.Hydra([.. command, "--log-file", _dir]);
        Assert.Equal(1, await hydra.WaitForExitAsync());
        Assert.Equal($"ERROR: cannot write the log file {_dir}: it is a directory", hydra.Output);
    }
}
