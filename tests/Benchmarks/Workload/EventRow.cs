namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>One row of <c>user_events</c> as every scenario writes it (processed_at is set when it is written).</summary>
public readonly record struct EventRow(int UserId, int MovieId, string EventType, DateTimeOffset EventTime, int Partition, long Offset)
{
    public static EventRow From(KafkaEventValue value, int partition, long offset) =>
        new(value.UserId, value.MovieId, value.EventType, value.EventTime, partition, offset);
}
