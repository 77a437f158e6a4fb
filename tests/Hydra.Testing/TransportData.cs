using System.Reflection;
using Hydra.Transport;
using Xunit.Sdk;

namespace Hydra.Testing;

/// <summary>
/// Theory data: the transport a test runs on, as its first argument, so the test's name says
/// which (<c>Ping_gets_pong(transport: LibZmq)</c>). With <c>crossWith</c>, every row of that
/// static member of the test class follows the transport. Put one attribute per transport on a
/// theory: <c>[Theory, OnNetMQ, OnLibZmq]</c>.
/// </summary>
public abstract class TransportDataAttribute(HydraTransport transport, string? crossWith) : DataAttribute
{
    public override IEnumerable<object?[]> GetData(MethodInfo testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        if (crossWith is null)
        {
            return [[transport]];
        }
        var member = testMethod.DeclaringType!.GetMember(crossWith, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy).Single();
        var rows = member switch
        {
            PropertyInfo property => property.GetValue(null),
            FieldInfo field => field.GetValue(null),
            _ => throw new ArgumentException($"{crossWith} is not a static property or field"),
        };
        return ((IEnumerable<object?[]>)rows!).Select(row => new object?[] { transport }.Concat(row).ToArray()).ToList();
    }
}

/// <summary>Runs the theory on NetMQ, the built-in transport.</summary>
public sealed class OnNetMQAttribute(string? crossWith = null) : TransportDataAttribute(HydraTransport.NetMQ, crossWith);

/// <summary>
/// Runs the theory on the system's libzmq. Where libzmq is missing the rows are skipped with
/// the loader's reason; with HYDRA_REQUIRE_LIBZMQ=1 (as CI sets it) they run and fail instead.
/// </summary>
public sealed class OnLibZmqAttribute : TransportDataAttribute
{
    public OnLibZmqAttribute(string? crossWith = null)
        : base(HydraTransport.LibZmq, crossWith)
    {
        Skip = LibZmqAvailability.SkipReason();
    }
}

/// <summary>
/// Mixed pairs: (router transport, peer transport) = (LibZmq, NetMQ) and (NetMQ, LibZmq).
/// Skipped like <see cref="OnLibZmqAttribute"/> where libzmq is missing.
/// </summary>
public sealed class MixedTransportsAttribute : DataAttribute
{
    public MixedTransportsAttribute() => Skip = LibZmqAvailability.SkipReason();

    public override IEnumerable<object?[]> GetData(MethodInfo testMethod) =>
        [[HydraTransport.LibZmq, HydraTransport.NetMQ], [HydraTransport.NetMQ, HydraTransport.LibZmq]];
}

/// <summary>Whether the libzmq transport can run here, and what to say when it cannot.</summary>
public static class LibZmqAvailability
{
    private static readonly Lazy<string?> WhyNot = new(() =>
    {
        try
        {
            _ = HydraTransports.Choose(HydraTransport.LibZmq, needsCurve: true);
            return null;
        }
        catch (HydraException e)
        {
            return e.Message;
        }
    });

    public static bool Required => Environment.GetEnvironmentVariable("HYDRA_REQUIRE_LIBZMQ") == "1";

    /// <summary>Null when libzmq tests should run (libzmq is here, or it is required and they must fail without it).</summary>
    public static string? SkipReason() =>
        Required || WhyNot.Value is null ? null : $"{WhyNot.Value} (libzmq test not run; HYDRA_REQUIRE_LIBZMQ=1 makes this a failure)";
}
