using Hydra.Testing;
using Hydra.Transport.LibZmq.Native;

namespace Hydra.Tests.Transport.LibZmq;

/// <summary>
/// A fact that needs the system's libzmq. Where it is missing the test is skipped with the
/// loader's one-line reason; with HYDRA_REQUIRE_LIBZMQ=1 (as CI sets it) it runs and fails
/// instead, so CI never passes it silently.
/// </summary>
public sealed class LibZmqFactAttribute : FactAttribute
{
    public LibZmqFactAttribute()
    {
        if (LibZmqFact.SkipReason() is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs libzmq and python3 with pyzmq.</summary>
public sealed class LibZmqPythonFactAttribute : FactAttribute
{
    public LibZmqPythonFactAttribute()
    {
        if (LibZmqFact.SkipReason() is { } reason)
        {
            Skip = reason;
        }
        else if (!Python.Required && !Python.HasPyzmq.Value)
        {
            Skip = "python3-zmq is not installed (apt-get install -y python3-zmq); interop test not run";
        }
    }
}

internal static class LibZmqFact
{
    public static bool Required => Environment.GetEnvironmentVariable("HYDRA_REQUIRE_LIBZMQ") == "1";

    public static string? SkipReason() =>
        Required || ZmqLibrary.TryLoad(out var whyNot) ? null : $"{whyNot} (libzmq test not run; HYDRA_REQUIRE_LIBZMQ=1 makes this a failure)";
}
