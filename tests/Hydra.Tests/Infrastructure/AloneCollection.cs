namespace Hydra.Tests.Infrastructure;

/// <summary>
/// Tests that lean on TCP flow control (a peer whose tiny receive buffer is full) run after the
/// parallel ones, alone: with the machine busy, TCP's zero-window probes back off and such a
/// test can wait many seconds for reasons that have nothing to do with the router.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
