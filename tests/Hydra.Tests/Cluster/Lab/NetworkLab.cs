using System.Globalization;
using System.Security.Cryptography;

namespace Hydra.Tests.Cluster.Lab;

/// <summary>How a place is cut off from the others.</summary>
internal enum CutKind
{
    /// <summary><c>ip link set eth0 down</c> inside its namespace: its sends fail locally, the others' vanish.</summary>
    LinkDown,

    /// <summary>iptables DROP on INPUT at both receiving ends: every packet vanishes and no sender gets an error.</summary>
    SilentDrop,
}

/// <summary>
/// Network namespaces joined by one bridge, each with a veth pair and an address in the lab's own
/// /24, so that one of them can be cut off from the others as a real network would (issue 16, item 6).
/// Names start with a prefix unique to the run (<c>hy1a2b3c-a</c>); the run's pid is kept in
/// <see cref="OwnersDirectory"/>, so a later run removes what a crashed one left (and only that).
/// Everything is removed on dispose, also when a test fails. Needs root, ip and iptables.
/// </summary>
internal sealed partial class NetworkLab : IAsyncDisposable
{
    /// <summary>The lab's addresses: the host has none on the bridge, so no packet leaves the lab.</summary>
    private const string Subnet = "10.98.7";

    private const string OwnersDirectory = "/run/hydra-netlab";

    private readonly string _prefix;
    private readonly Dictionary<string, Place> _places = [];
    private readonly Dictionary<string, CutKind> _cuts = [];

    private NetworkLab(string prefix) => _prefix = prefix;

    /// <summary>HYDRA_REQUIRE_NETNS=1 (as CI sets it): a lab that cannot be built fails the test instead of skipping it.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("HYDRA_REQUIRE_NETNS") == "1";

    public Place this[string name] => _places[name];

    /// <summary>Builds one namespace per name (at most 6 characters: interface names stop at 15), addressed .1, .2, … in that order.</summary>
    public static async Task<NetworkLab> CreateAsync(params string[] names)
    {
        if (WhyUnavailable() is { } why)
        {
            throw new InvalidOperationException($"cannot build a network lab: {why}");
        }
        await SweepLeftoversAsync();
        var lab = new NetworkLab("hy" + RandomNumberGenerator.GetHexString(6, lowercase: true));
        try
        {
            lab.Build(names);
        }
        catch
        {
            await RemoveAsync(lab._prefix);
            throw;
        }
        return lab;
    }

    /// <summary>
    /// Cuts <paramref name="name"/> off from every other place of the lab. Returns when the cut is
    /// complete (after the last command): with a silent drop the rules go into each place in turn,
    /// and until the last is in, the place is still heard by some. Measured from the start of the
    /// commands, one loaded run noticed after 2.1 s where 1.5 s is usual.
    /// </summary>
    public DateTimeOffset CutOff(string name, CutKind how)
    {
        var place = _places[name];
        if (how == CutKind.LinkDown)
        {
            Ip("-n", place.Netns!, "link", "set", "eth0", "down");
        }
        else
        {
            Drops(place, "-I");
        }
        _cuts[name] = how;
        return DateTimeOffset.UtcNow;
    }

    /// <summary>Undoes <see cref="CutOff"/>; returns when packets flow again both ways (after the last command).</summary>
    public DateTimeOffset Heal(string name)
    {
        var place = _places[name];
        if (_cuts.Remove(name, out var how))
        {
            if (how == CutKind.LinkDown)
            {
                Ip("-n", place.Netns!, "link", "set", "eth0", "up");
            }
            else
            {
                Drops(place, "-D");
            }
        }
        return DateTimeOffset.UtcNow;
    }

    public async ValueTask DisposeAsync() => await RemoveAsync(_prefix);

    private void Build(string[] names)
    {
        Directory.CreateDirectory(OwnersDirectory);
        File.WriteAllText(Path.Combine(OwnersDirectory, _prefix), Owner.Me); // first: a sweep must never take a lab being built for a leftover
        var bridge = $"{_prefix}-br";
        Ip("link", "add", bridge, "type", "bridge");
        Ip("link", "set", bridge, "up");
        for (var i = 0; i < names.Length; i++)
        {
            var (name, netns, veth) = (names[i], $"{_prefix}-{names[i]}", $"{_prefix}-{names[i]}");
            if (name.Length > 6 || name == "br")
            {
                throw new ArgumentException($"lab place name '{name}' must be at most 6 characters and not 'br'");
            }
            var address = $"{Subnet}.{(i + 1).ToString(CultureInfo.InvariantCulture)}";
            Ip("netns", "add", netns);
            Ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns);
            Ip("link", "set", veth, "master", bridge, "up");
            Ip("-n", netns, "addr", "add", address + "/24", "dev", "eth0");
            Ip("-n", netns, "link", "set", "eth0", "up");
            Ip("-n", netns, "link", "set", "lo", "up"); // routers and their peers talk over the namespace's own loopback
            _places[name] = new Place(name, address, netns);
        }
    }

    /// <summary>DROP on INPUT in the cut place for everything from the bridge, and in every other place for the cut place's address.</summary>
    private void Drops(Place cut, string action)
    {
        IpTables(cut, action, "INPUT", "-i", "eth0", "-j", "DROP");
        foreach (var other in _places.Values.Where(p => p != cut))
        {
            IpTables(other, action, "INPUT", "-s", cut.Address, "-j", "DROP");
        }
    }

    private static void IpTables(Place place, params string[] rule) =>
        Shell.Run(Shell.Find("ip")!, ["netns", "exec", place.Netns!, Shell.Find("iptables")!, "-w", .. rule]);

    private static string Ip(params string[] arguments) => Shell.Run(Shell.Find("ip")!, arguments);
}
