using System.Diagnostics.Metrics;
using Hydra.Testing;

namespace Hydra.Tests.Observability;

/// <summary>
/// Reads one meter's observable instruments the way dotnet-counters or an exporter does: a
/// MeterListener that collects on demand. Only the given meter is listened to, so routers and peers
/// of tests running at the same time never show up here.
/// </summary>
internal sealed class MeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, KeyValuePair<string, object?>[] Tags, long Value)> _collected = [];

    public MeterReader(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every instrument of the meter seen so far, by name.</summary>
    public IReadOnlyCollection<string> Instruments
    {
        get
        {
            Collect();
            lock (_gate)
            {
                return [.. _collected.Select(c => c.Instrument).Distinct()];
            }
        }
    }

    /// <summary>Collects now and sums the measurements of <paramref name="instrument"/> that carry every given tag.</summary>
    public long Read(string instrument, params (string Key, string Value)[] tags)
    {
        Collect();
        lock (_gate)
        {
            var matching = _collected.Where(c => c.Instrument == instrument && tags.All(t => c.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value)))).ToList();
            Assert.True(matching.Count > 0, $"no measurement of {instrument} with {string.Join(", ", tags)}");
            return matching.Sum(c => c.Value);
        }
    }

    /// <summary>The values <paramref name="tag"/> has on the measurements of <paramref name="instrument"/>.</summary>
    public IReadOnlyList<object?> TagValues(string instrument, string tag)
    {
        Collect();
        lock (_gate)
        {
            return [.. _collected.Where(c => c.Instrument == instrument).SelectMany(c => c.Tags).Where(t => t.Key == tag).Select(t => t.Value)];
        }
    }

    /// <summary>Polls until the reading is <paramref name="expected"/> (counters move on the routing thread, a moment after the reply left).</summary>
    public async Task<long> WaitForAsync(long expected, string instrument, params (string Key, string Value)[] tags) =>
        await Eventually.ValueAsync(() => Task.FromResult(Read(instrument, tags)), value => value == expected,
            $"{instrument} {string.Join(", ", tags)} = {expected}");

    public void Dispose() => _listener.Dispose();

    private void Collect()
    {
        lock (_gate)
        {
            _collected.Clear();
        }
        _listener.RecordObservableInstruments();
    }

    private void Add(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            _collected.Add((instrument.Name, tags.ToArray(), value));
        }
    }
}
