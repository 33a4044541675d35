using System.Diagnostics.Metrics;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// Records every measurement of the meters that one <see cref="IMeterFactory"/> created, so tests running in parallel
/// (with their own factories and the same meter names) do not mix.
/// </summary>
public sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly List<Measurement> measurements = [];

    public RecordedMeasurements(IMeterFactory factory)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>Every measurement of <paramref name="instrument"/> so far.</summary>
    public IReadOnlyList<Measurement> Of(string instrument)
    {
        lock (gate)
        {
            return measurements.Where(m => m.Instrument == instrument).ToList();
        }
    }

    /// <summary>Asks the observable instruments (gauges) for their values now and returns what <paramref name="instrument"/> reported.</summary>
    public IReadOnlyList<Measurement> Observe(string instrument)
    {
        int start;
        lock (gate)
        {
            start = measurements.Count;
        }

        listener.RecordObservableInstruments();
        lock (gate)
        {
            return measurements.Skip(start).Where(m => m.Instrument == instrument).ToList();
        }
    }

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value));
        lock (gate)
        {
            measurements.Add(measurement);
        }
    }

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
