using System.Reflection;
using System.Runtime.InteropServices;

namespace Hydra.Transport.LibZmq.Native;

/// <summary>
/// Finds the system's libzmq and says whether it can be used. The router asks
/// <see cref="TryLoad"/> once and falls back to NetMQ (with the reason in its log) when it says no.
/// </summary>
internal static unsafe class ZmqLibrary
{
    /// <summary>The oldest release with everything the binding calls (zmq_curve_public, heartbeats, ZMQ_ROUTING_ID).</summary>
    private static readonly Version Oldest = new(4, 2);

    private static readonly Lock Gate = new();
    private static int _resolverRegistered;
    private static nint _handle;
    private static string? _loadedFrom;
    private static (bool Ok, string? WhyNot)? _probe;

    /// <summary>Names the file to load instead of the usual ones (a libzmq in an odd place); tests point it at nothing to see Hydra without libzmq.</summary>
    public const string PathVariable = "HYDRA_LIBZMQ";

    /// <summary>
    /// File names tried in order: the versioned runtime name first (what Debian's libzmq5 installs;
    /// the bare name needs the -dev package), or only <see cref="PathVariable"/>'s file when it is set.
    /// </summary>
    public static IReadOnlyList<string> Candidates { get; } =
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? [path]
        : OperatingSystem.IsWindows() ? ["libzmq.dll"]
        // Homebrew on Apple silicon installs into /opt/homebrew/lib, which dlopen does not search by default.
        : OperatingSystem.IsMacOS() ? ["libzmq.5.dylib", "libzmq.dylib", "/opt/homebrew/lib/libzmq.5.dylib"]
        : ["libzmq.so.5", "libzmq.so"];

    /// <summary>How to get libzmq on this platform, for the one-line reason.</summary>
    public static string InstallHint =>
        OperatingSystem.IsWindows() ? "put libzmq.dll next to the program or on PATH"
        : OperatingSystem.IsMacOS() ? "brew install zeromq"
        : "apt-get install libzmq5";

    /// <summary>The file that was loaded (null until <see cref="TryLoad"/> succeeds).</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>
    /// Loads libzmq (once) and checks that it is 4.2 or newer. Never throws: on failure
    /// <paramref name="whyNot"/> is one line naming what was tried and how to install it.
    /// </summary>
    public static bool TryLoad(out string? whyNot)
    {
        RegisterResolver();
        lock (Gate)
        {
            _probe ??= Probe();
            whyNot = _probe.Value.WhyNot;
            return _probe.Value.Ok;
        }
    }

    /// <summary>The loaded library's version, as zmq_version reports it.</summary>
    /// <exception cref="DllNotFoundException">libzmq could not be loaded.</exception>
    public static Version Version
    {
        get
        {
            int major, minor, patch;
            ZmqNative.zmq_version(&major, &minor, &patch);
            return new Version(major, minor, patch);
        }
    }

    /// <summary>Whether the library was built with a capability ("curve", "ipc", "draft", …).</summary>
    public static bool Has(string capability)
    {
        Span<byte> name = stackalloc byte[64];
        fixed (byte* text = Utf8Z.Encode(capability, name))
        {
            return ZmqNative.zmq_has(text) == 1;
        }
    }

    /// <summary>
    /// Points the <c>libzmq</c> P/Invokes of this assembly at our resolver. Called by
    /// <see cref="ZmqNative"/>'s static constructor, so before the first call is bound.
    /// </summary>
    internal static void RegisterResolver()
    {
        // No lock: this runs inside ZmqNative's static constructor, and taking Gate there could
        // deadlock against a thread that holds Gate and is waiting for that constructor.
        if (Interlocked.Exchange(ref _resolverRegistered, 1) != 0)
        {
            return;
        }
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ZmqLibrary).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else owns this assembly's resolver: the runtime's own probing for
            // "libzmq" (libzmq.so, libzmq.dylib, libzmq.dll) still applies.
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != ZmqNative.Library)
        {
            return 0; // not ours: default probing
        }
        lock (Gate)
        {
            if (_handle == 0 && TryOpen(Candidates, assembly, searchPath, out var handle, out var loadedFrom) is null)
            {
                (_handle, _loadedFrom) = (handle, loadedFrom);
            }
            return _handle; // 0 makes the runtime throw DllNotFoundException for the call
        }
    }

    private static (bool, string?) Probe()
    {
        if (_handle == 0)
        {
            if (TryOpen(Candidates, typeof(ZmqLibrary).Assembly, null, out var handle, out var loadedFrom) is { } whyNot)
            {
                return (false, whyNot);
            }
            (_handle, _loadedFrom) = (handle, loadedFrom);
        }
        try
        {
            var version = Version;
            if (version < Oldest)
            {
                return (false, $"libzmq {version} ({_loadedFrom}) is too old: need {Oldest} or newer; install a newer one: {InstallHint}");
            }
            return (true, null);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException or BadImageFormatException)
        {
            return (false, $"{_loadedFrom} is not a usable libzmq ({FirstLine(e.Message)}); install it: {InstallHint}");
        }
    }

    /// <summary>
    /// Whether any of <paramref name="candidates"/> would load, without keeping it: the
    /// not-found path of <see cref="TryLoad"/>, for tests.
    /// </summary>
    internal static bool TryLoadFrom(IReadOnlyList<string> candidates, out string? whyNot)
    {
        whyNot = TryOpen(candidates, typeof(ZmqLibrary).Assembly, null, out var handle, out _);
        if (handle != 0)
        {
            NativeLibrary.Free(handle);
        }
        return whyNot is null;
    }

    /// <returns>Null when a candidate loaded, else the one-line reason.</returns>
    private static string? TryOpen(IReadOnlyList<string> candidates, Assembly assembly, DllImportSearchPath? searchPath, out nint handle, out string? loadedFrom)
    {
        string? unusable = null;
        foreach (var candidate in candidates)
        {
            try
            {
                // The throwing overload says why a file that exists would not load (wrong
                // architecture); TryLoad would only say "no".
                handle = NativeLibrary.Load(candidate, assembly, searchPath);
                loadedFrom = candidate;
                return null;
            }
            catch (DllNotFoundException)
            {
                // Absent (the usual case); the runtime's message lists every path tried and is too long for one line.
            }
            catch (BadImageFormatException e)
            {
                unusable = $"; {candidate}: {FirstLine(e.Message)}"; // present but unusable
            }
        }
        (handle, loadedFrom) = (0, null);
        return $"libzmq not found (tried {string.Join(", ", candidates)}{unusable}); install it: {InstallHint}";
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.', ' ', ':');
    }
}
