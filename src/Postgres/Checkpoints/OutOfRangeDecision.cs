using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Postgres.Checkpoints;

/// <summary>
/// Where a checkpoint outside its partition's log [low, high] goes, and why (docs/ARCHITECTURE.md, "Offset resets").
/// Below the log start, retention deleted records before they were stored: they are lost in Kafka, and reading continues at
/// the log start in the same generation. Beyond the log end, Kafka will hand out again offsets that already have rows, so
/// the next generation begins: at the high watermark when the log is the same one with its tail lost (what was stored from
/// there on stays, under the old generation), at the low watermark only when the log is proven new (the broker reports a
/// topic id other than the one pinned). Without that proof the log counts as the same: reading the whole retained log
/// again would store every event a second time, while continuing at the end can at worst skip records of a new log,
/// and that range is recorded for operators.
/// </summary>
public static class OutOfRangeDecision
{
    public const string Retention = "retention";
    public const string Truncated = "truncated";
    public const string NewLog = "new-log";

    /// <param name="lastRecordMatches">Whether the log's last record (at <paramref name="high"/> - 1) equals the row stored at
    /// that offset in the checkpoint's generation; null when nothing is stored there to compare.</param>
    public static (KafkaCheckpoint Next, string Kind, string Reason)? For(KafkaCheckpoint current, long low, long high, string? pinnedTopicId, string? topicId, bool? lastRecordMatches = null)
    {
        if (current.NextOffset < low)
        {
            return (current with { NextOffset = low }, Retention,
                $"checkpoint {current.NextOffset} below the log start {low}: offsets [{current.NextOffset}, {low}) were deleted by retention before they were stored");
        }

        if (current.NextOffset <= high)
        {
            return null;
        }

        var generation = current.LogGeneration + 1;
        if (pinnedTopicId is not null && topicId is not null && pinnedTopicId != topicId)
        {
            return (new KafkaCheckpoint(low, generation), NewLog,
                $"checkpoint {current.NextOffset} beyond the log end {high} and topic id {topicId} is not the pinned {pinnedTopicId}: the topic was created again; reading its new log from {low} as log generation {generation}");
        }

        if (lastRecordMatches == false)
        {
            return (new KafkaCheckpoint(low, generation), NewLog,
                $"checkpoint {current.NextOffset} beyond the log end {high} and the record at offset {high - 1} is not the one stored there: the log is new; reading it from {low} as log generation {generation}");
        }

        var evidence = lastRecordMatches == true
            ? $"the record at offset {high - 1} is the one stored there"
            : "nothing proves the log new (no topic id from the broker, no stored row at the log's last offset to compare)";
        return (new KafkaCheckpoint(high, generation), Truncated,
            $"checkpoint {current.NextOffset} beyond the log end {high}: the log lost offsets [{high}, {current.NextOffset}) (stored already, as log generation {current.LogGeneration}; {evidence}); Kafka reuses them for new records, stored as log generation {generation}");
    }
}
