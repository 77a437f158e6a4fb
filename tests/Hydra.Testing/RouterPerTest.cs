using Hydra.Routing;

namespace Hydra.Testing;

/// <summary>Base for test classes that want a fresh real router (free loopback ports) for every test.</summary>
public abstract class RouterPerTest : IAsyncLifetime
{
    protected RouterEngine Router { get; } = TestRouter.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Router.DisposeAsync();
}
