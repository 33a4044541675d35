namespace UserEvents.Orleans.Contracts;

/// <summary>What became of one <see cref="UserEventBatch"/> when it reached PostgreSQL.</summary>
[GenerateSerializer]
public enum BatchCommitStatus
{
    /// <summary>The rows were written and the checkpoint moved to the batch's end.</summary>
    Committed = 0,

    /// <summary>The checkpoint was already at or past the batch's end: stored before, nothing written.</summary>
    AlreadyStored = 1,

    /// <summary>The checkpoint lies before the batch's start: an earlier range is missing. Nothing written; the receiver re-reads from the checkpoint.</summary>
    Gap = 2,
}

/// <summary>The result of writing one batch.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Checkpoint">The partition's checkpoint (next offset to store) after the commit.</param>
/// <param name="EventsWritten">Rows written to <c>user_events</c>.</param>
/// <param name="RejectionsWritten">Rows written to <c>user_events_rejected</c>.</param>
[GenerateSerializer, Immutable]
public readonly record struct BatchCommitOutcome(
    [property: Id(0)] BatchCommitStatus Status,
    [property: Id(1)] long Checkpoint,
    [property: Id(2)] int EventsWritten,
    [property: Id(3)] int RejectionsWritten);
