namespace Hydra.Bench.Serve;

/// <summary>
/// Fetches <c>/metrics</c> on a timer, as Prometheus does, from inside the router's process (so its
/// cost, client side included, is charged to the router under test). Says how it went when stopped.
/// </summary>
internal sealed class Scraper : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _scrapes;
    private int _failures;

    public Scraper(string url, TimeSpan every) => _running = RunAsync(url, every);

    private async Task RunAsync(string url, TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    var text = await _http.GetStringAsync(url, _stop.Token);
                    _scrapes += text.Contains("hydra_router_messages_routed_total", StringComparison.Ordinal) ? 1 : 0;
                }
                catch (HttpRequestException)
                {
                    _failures++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await Console.Error.WriteLineAsync($"  hydra-metrics: {_scrapes} scrapes with the router's metrics, {_failures} failed");
        _http.Dispose();
        _stop.Dispose();
    }
}
