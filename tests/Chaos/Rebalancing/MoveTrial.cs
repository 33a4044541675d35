namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>
/// One measured membership change. Times are from <see cref="ChangeAt"/>, the first poll that saw the membership row
/// change (join: Active; stop: no longer Active; kill: Dead): <see cref="Assigned"/> the last moved queue's new owner in
/// <c>kafka_queue_owners</c>, <see cref="Pinned"/> the last new receiver's pin (<c>owner_since</c>),
/// <see cref="Committed"/> the last moved partition's first commit by its new owner (<c>updated_at</c>): the move time.
/// <see cref="FaultToChange"/>: from the SIGKILL/SIGTERM/start to the change (a kill: the death detection).
/// <see cref="Moved"/>: owner changes seen in <c>kafka_queue_owners</c>; <see cref="MinimalMoves"/>: Σ over silos of
/// max(0, old share − new share). <see cref="Failure"/>: why the trial could not be measured (null: measured).
/// </summary>
public sealed record MoveTrial(
    MoveKind Kind,
    int Number,
    string Silo,
    TimeSpan FaultToChange,
    TimeSpan Assigned,
    TimeSpan Pinned,
    TimeSpan Committed,
    int Moved,
    int MinimalMoves,
    string Spread,
    string? Failure);
