using UserEvents.Orleans.Cli.Events;

namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>
/// The rows of the COPY limit, built before the clock starts from the same generator and seed as the events the
/// other scenarios read from Kafka (partition and offset are spread as a topic of that many partitions would).
/// </summary>
public static class PrebuiltRows
{
    public static EventRow[] Create(int count, int seed, int partitions)
    {
        var generator = new SampleEventGenerator(seed);
        var rows = new EventRow[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = EventRow.From(KafkaEventValue.Parse(generator.Next().Value), i % partitions, i / partitions);
        }

        return rows;
    }
}
