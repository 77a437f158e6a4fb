using System.Text;
using System.Text.Json.Nodes;
using Hydra.Cluster;
using Hydra.Routing;
using Hydra.Transport;
using Hydra.Transport.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace Hydra.Tests.Rules;

/// <summary>
/// A router on the in-memory transport with a fake clock: the routing rules without sockets,
/// and time that moves only when a test moves it.
/// </summary>
internal sealed class RulesHarness : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly InMemoryRouterTransport _transport;

    /// <param name="options">The router's options (ports, clock and interval are the harness's).</param>
    /// <param name="keysInHandshake">Whether the transport checks authorized keys in the handshake.</param>
    /// <param name="federation">Other routers of a cluster (the in-memory cluster), made on the router's clock; or none.</param>
    public RulesHarness(RouterOptions? options = null, bool keysInHandshake = false, Func<TimeProvider, IRouterFederation>? federation = null)
    {
        Options = (options ?? new RouterOptions()) with { Port = 0, HeartbeatPort = 0, TimeProvider = Clock, HeartbeatInterval = Interval };
        _transport = Network.CreateRouter(Options, keysInHandshake);
        Router = new RouterEngine(Options, _transport, federation?.Invoke(Clock));
        Router.StartAsync().GetAwaiter().GetResult(); // in memory: binds at once
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InMemoryNetwork Network { get; } = new();

    public RouterOptions Options { get; }

    public RouterEngine Router { get; }

    public IReadOnlyCollection<Exception> Faults => _transport.Faults;

    public InMemoryConnection Connect(string identity, PortKind port = PortKind.Main, string? key = null, int capacity = 10_000) =>
        Network.Connect(port == PortKind.Main ? Router.Port : Router.HeartbeatPort, Encoding.UTF8.GetBytes(identity), key, capacity);

    /// <summary>Moves the clock, then waits until the router's loop has run what that triggered.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Router.GetClientsAsync(); // posted after the timer's work, so it runs after it
    }

    public static string Message(string sender, string target, string method, string extra = "") =>
        $$"""{"sender":"{{sender}}","target":"{{target}}","method":"{{method}}","payload":{}{{extra}},"protocol_version":1}""";

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        Assert.Empty(Faults);
    }
}

internal static class InMemoryConnectionExtensions
{
    public static void SendJson(this InMemoryConnection connection, string json) => connection.Send(Encoding.UTF8.GetBytes(json));

    /// <summary>The next message, which must be one JSON frame.</summary>
    public static JsonObject ReceiveJson(this InMemoryConnection connection)
    {
        var frames = connection.Receive();
        Assert.Single(frames);
        return (JsonObject)JsonNode.Parse(frames[0])!;
    }
}
