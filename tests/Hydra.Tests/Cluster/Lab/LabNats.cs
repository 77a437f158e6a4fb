using System.Globalization;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>
/// A nats-server in a place, configured as docs/cluster.md advises for clusters of routers
/// (<c>ping_interval: "2s"</c>, <c>ping_max: 3</c>), that can be killed, restarted on the same
/// port, and stalled (SIGSTOP) and continued (SIGCONT).
/// </summary>
internal sealed class LabNats : IAsyncDisposable
{
    private readonly Place _place;
    private readonly string _config;
    private LabProcess? _process;

    private LabNats(Place place, int port, string config)
    {
        _place = place;
        Port = port;
        _config = config;
    }

    public int Port { get; }

    public string Url => $"nats://{_place.Address}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts it in <paramref name="place"/>: on loopback on a free port, in a namespace on 4222.</summary>
    public static async Task<LabNats> StartAsync(Place place)
    {
        var port = place.Netns is null ? NatsServer.FreePort() : 4222;
        var config = Path.Combine(Path.GetTempPath(), $"hydra-lab-nats-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(config, $"""
            listen: "{place.Address}:{port.ToString(CultureInfo.InvariantCulture)}"
            ping_interval: "2s"
            ping_max: 3
            """);
        var nats = new LabNats(place, port, config);
        await nats.RunAsync();
        return nats;
    }

    /// <summary>Starts the server (again, on the same port) and waits until it accepts clients.</summary>
    public async Task RunAsync()
    {
        var process = _place.Start("nats-server", NatsServer.Binary ?? throw new InvalidOperationException("nats-server is not installed"), "-c", _config);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("Server is ready", StringComparison.Ordinal), "'Server is ready'", TimeSpan.FromSeconds(30));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        _process = process;
    }

    /// <summary>SIGKILL: gone at once, without a word to anyone; returns when it is gone.</summary>
    public async Task<DateTimeOffset> KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("nats-server is not running");
        _process = null;
        process.Signal("KILL");
        var killedAt = DateTimeOffset.UtcNow;
        await process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await process.DisposeAsync();
        return killedAt;
    }

    /// <summary>SIGSTOP: it keeps its connections open but reads, writes and answers nothing.</summary>
    public DateTimeOffset Stall()
    {
        _process!.Signal("STOP");
        return DateTimeOffset.UtcNow;
    }

    /// <summary>SIGCONT: it goes on where it stopped.</summary>
    public DateTimeOffset Continue()
    {
        _process!.Signal("CONT");
        return DateTimeOffset.UtcNow;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await process.DisposeAsync();
        }
        File.Delete(_config);
    }
}
