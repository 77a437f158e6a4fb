namespace Hydra.Testing;

/// <summary>Waits for a condition, with a deadline. Polling is the wait; nothing sleeps a fixed time to "let things settle".</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? DefaultDeadline);
        var last = await read();
        while (!done(last))
        {
            try
            {
                await Task.Delay(20, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"gave up waiting for {what}; last value: {last}");
            }
            last = await read();
        }
        return last;
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        ValueAsync(() => Task.FromResult(condition()), ok => ok, what, deadline);
}
