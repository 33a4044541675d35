using System.Diagnostics.Metrics;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Grains.Telemetry;

/// <summary>
/// Sums this silo's <c>kafka.receiver.records</c> and <c>user_events.stored</c> as the meters record them, so the per-silo
/// figures on the ingestion page are the same numbers as the silo's /metrics. Listens only to meters made by this silo's
/// <see cref="IMeterFactory"/>, so silos sharing a process (TestCluster) do not count each other's.
/// </summary>
public sealed class SiloThroughputCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private long recordsRead;
    private long eventsStored;

    public SiloThroughputCounter(IMeterFactory meterFactory)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && IsCounted(instrument))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "user_events.stored")
            {
                Interlocked.Add(ref eventsStored, value);
            }
            else
            {
                Interlocked.Add(ref recordsRead, value);
            }
        });
        listener.Start();
    }

    public long RecordsRead => Interlocked.Read(ref recordsRead);

    public long EventsStored => Interlocked.Read(ref eventsStored);

    public void Dispose() => listener.Dispose();

    private static bool IsCounted(Instrument instrument) =>
        (instrument.Meter.Name == IngestionMetrics.MeterName && instrument.Name == "user_events.stored")
        || (instrument.Meter.Name == KafkaReceiverMetrics.MeterName && instrument.Name == "kafka.receiver.records");
}
