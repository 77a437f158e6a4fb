namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// Where lab processes run: this machine's loopback, or a network namespace of a <see cref="NetworkLab"/>.
/// <paramref name="Address"/> is where a server in this place is reached from the other places.
/// </summary>
internal sealed record Place(string Name, string Address, string? Netns)
{
    public static Place Loopback { get; } = new("loopback", "127.0.0.1", null);

    public LabProcess Start(string processName, string file, params string[] arguments) =>
        LabProcess.Start(Netns is null ? processName : $"{processName} (in {Netns})", Netns, file, arguments);
}
