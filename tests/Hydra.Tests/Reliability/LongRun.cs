namespace Hydra.Tests.Reliability;

/// <summary>
/// Sizes for the reliability tests. CI runs the short variants; HYDRA_LONG_TESTS=1 runs
/// the long ones (1,000 peers, a minute of fuzzing, more restarts).
/// </summary>
internal static class LongRun
{
    public static bool Enabled => Environment.GetEnvironmentVariable("HYDRA_LONG_TESTS") == "1";

    public static T Pick<T>(T shortValue, T longValue) => Enabled ? longValue : shortValue;

    /// <summary>A seed from HYDRA_SEED when replaying a failure, else a fresh one. Tests print it.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("HYDRA_SEED"), out var seed) ? seed : Random.Shared.Next();
}
