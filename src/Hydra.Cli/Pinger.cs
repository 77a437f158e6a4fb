using System.Globalization;
using Hydra.Mq;

namespace Hydra.Cli;

/// <summary>Sends pings and prints one line per answer and a summary, as ping(8) does.</summary>
internal sealed class Pinger(TextWriter output, string target, TimeSpan timeout)
{
    /// <returns>0 when at least one pong came back, else 1.</returns>
    public async Task<int> RunAsync(HydraMQOptions options, int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Through a Python router, pongs come without reply_to: match them the way the original does.
        await using var client = new HydraClient(options with { MatchUncorrelatedReplies = true, NetworkTimeout = timeout });
        await client.StartAsync(cancellationToken);
        await output.WriteLineAsync($"PING {target} via {options.RouterAddress}:{options.RouterPort} as {client.Identity}");
        var times = new List<double>();
        var sent = 0;
        for (var seq = 1; seq <= count && !cancellationToken.IsCancellationRequested; seq++)
        {
            if (seq > 1)
            {
                await Task.Delay(interval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            sent++;
            await output.WriteLineAsync(await PingOnceAsync(client, seq, times, cancellationToken));
        }
        await output.WriteLineAsync($"--- {target} ping statistics ---");
        var lost = sent == 0 ? 0 : 100.0 * (sent - times.Count) / sent;
        var summary = string.Create(CultureInfo.InvariantCulture, $"{sent} sent, {times.Count} received, {lost:0}% lost");
        if (times.Count > 0)
        {
            summary += string.Create(CultureInfo.InvariantCulture, $", rtt min/avg/max = {times.Min():0.000}/{times.Average():0.000}/{times.Max():0.000} ms");
        }
        await output.WriteLineAsync(summary);
        return times.Count > 0 ? 0 : 1;
    }

    private async Task<string> PingOnceAsync(HydraClient client, int seq, List<double> times, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PingAsync(target, cancellationToken);
            var ms = result.RoundTrip.TotalMilliseconds;
            times.Add(ms);
            var uncorrelated = result.Reply.ReplyTo is null ? " (uncorrelated: no reply_to)" : "";
            return string.Create(CultureInfo.InvariantCulture, $"{result.Reply.Method} from {result.Reply.Sender}: seq={seq} time={ms:0.000} ms{uncorrelated}");
        }
        catch (HydraTimeoutException)
        {
            var why = client.DescribeConnection();
            return string.Create(CultureInfo.InvariantCulture, $"no reply from {target}: seq={seq} timed out after {timeout.TotalSeconds:0.###} s{(why.Length > 0 ? $" ({why})" : "")}");
        }
        catch (HydraRemoteException e)
        {
            return $"error from {e.Reply.Sender}: seq={seq} {e.WireCode}: {e.Detail}";
        }
        catch (HydraException e)
        {
            return $"seq={seq} failed: {e.Message}";
        }
        catch (OperationCanceledException)
        {
            return $"seq={seq} interrupted";
        }
    }
}
