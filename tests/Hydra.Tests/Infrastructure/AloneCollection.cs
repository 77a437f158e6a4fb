namespace Hydra.Tests.Infrastructure;

/// <summary>
/// Tests that lean on TCP flow control (a peer whose tiny receive buffer stays full) run after
/// the parallel ones, alone, so that how fast the kernel's buffers fill is not also a matter of
/// what else the machine is doing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
