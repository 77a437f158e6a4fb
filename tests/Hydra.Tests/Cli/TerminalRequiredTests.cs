using Hydra.Testing;

namespace Hydra.Tests.Cli;

/// <summary>
/// The terminal apps started with no terminal (standard input and output are pipes here, as
/// under a service manager or in a script) say so in one line and exit 1, instead of waiting
/// for keys that never come.
/// </summary>
public class TerminalRequiredTests
{
    [Fact]
    public async Task Router_app_without_a_terminal_says_to_use_headless_and_exits_1()
    {
        await using var router = ChildProcess.Hydra("router", "--address", "127.0.0.1", "--port", "0", "--heartbeat-port", "0");

        Assert.Equal(1, await router.WaitForExitAsync());
        var line = Assert.Single(router.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ERROR: hydra router needs a terminal; use --headless to run without one", line);
    }

    [Fact]
    public async Task Client_app_without_a_terminal_says_it_needs_one_and_exits_1()
    {
        await using var client = ChildProcess.Hydra("client", "--router", "127.0.0.1", "--port", "1", "--heartbeat-port", "2");

        Assert.Equal(1, await client.WaitForExitAsync());
        var line = Assert.Single(client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ERROR: hydra client needs a terminal (it is a full-screen app; hydra ping works without one)", line);
    }
}
