using System.Text.Json;
using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>One row of <c>user_events</c> to write, with the index of the flushed batch it belongs to.</summary>
public readonly record struct EventRow(int BatchIndex, int Partition, UserEvent Event, int LogGeneration = 0);

/// <summary>One row of <c>user_events_rejected</c> to write, with the index of the flushed batch it belongs to.</summary>
public readonly record struct DeadLetterRow(int BatchIndex, int Partition, RejectedRecord Record, int LogGeneration = 0)
{
    /// <summary>
    /// The dead letter of an event PostgreSQL refused: the decoded event's fields as JSON (the raw bytes are not kept
    /// after decoding, so the key is unknown) and PostgreSQL's words in the reason.
    /// </summary>
    public static DeadLetterRow ForRefusedEvent(EventRow row, string refusal)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("user_id", row.Event.UserId);
            json.WriteNumber("movie_id", row.Event.MovieId);
            json.WriteString("event_type", row.Event.EventType);
            json.WriteNumber("timestamp", row.Event.TimestampMs);
            json.WriteEndObject();
        }

        var reason = $"PostgreSQL refused the event ({refusal})";
        return new DeadLetterRow(row.BatchIndex, row.Partition, new RejectedRecord(row.Event.Offset, null, buffer.ToArray(), reason), row.LogGeneration);
    }
}

/// <summary>The rows a <see cref="CommitPlan"/> writes, in plan order, read in place from its batches.</summary>
public sealed class FlushRows
{
    private FlushRows(PlannedRows<EventRow> events, PlannedRows<DeadLetterRow> deadLetters)
    {
        Events = events;
        DeadLetters = deadLetters;
    }

    public IReadOnlyList<EventRow> Events { get; }

    public IReadOnlyList<DeadLetterRow> DeadLetters { get; }

    public static FlushRows Of(CommitPlan plan)
    {
        var batches = plan.Batches;
        var events = PlannedRows.Of(batches, p => p.FirstEvent, p => p.EventsToWrite, (b, i) =>
        {
            var batch = batches[b].Batch;
            return new EventRow(b, batch.Partition, batch.Events[i], batch.LogGeneration);
        });
        var deadLetters = PlannedRows.Of(batches, p => p.FirstRejection, p => p.RejectionsToWrite, (b, i) =>
        {
            var batch = batches[b].Batch;
            return new DeadLetterRow(b, batch.Partition, batch.Rejections[i], batch.LogGeneration);
        });
        return new FlushRows(events, deadLetters);
    }
}
