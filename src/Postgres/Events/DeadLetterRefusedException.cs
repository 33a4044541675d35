using Npgsql;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// PostgreSQL refused a dead letter itself (a constraint on <c>user_events_rejected</c>): the record has nowhere to go, so
/// the flush fails rather than lose it, and keeps failing until an operator lets it in.
/// </summary>
public sealed class DeadLetterRefusedException(int partition, long offset, PostgresException refusal)
    : Exception($"PostgreSQL refused the dead letter of partition {partition} offset {offset} ({PostgresErrors.Describe(refusal)}); the flush cannot commit without losing it", refusal)
{
    public int Partition { get; } = partition;

    public long Offset { get; } = offset;
}
