using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// Stores a group of batches in ONE transaction: read the partitions' checkpoints, decide with <see cref="CommitPlan"/>,
/// binary-COPY the events and dead letters, lock the checkpoints that move and check that nobody moved them meanwhile,
/// move them, write the ledger entries and counters (<see cref="CommitBookkeeping"/>), commit. Either all of it is durable or none of it.
/// </summary>
/// <remarks>
/// The checkpoint rows are locked only after the COPY, for three short statements: a client that stops in the middle
/// of a COPY looks busy to the server, which no session timeout ends (verified on PostgreSQL 15: neither
/// <c>idle_in_transaction_session_timeout</c> nor <c>statement_timeout</c> fires while the server waits for COPY data), so
/// a frozen silo must not be holding a checkpoint lock then. Between statements it is idle in a transaction, which
/// <see cref="PostgresFlushOptions.IdleInTransactionTimeout"/> ends.
/// </remarks>
public sealed partial class PostgresBatchCommitter(NpgsqlDataSource dataSource, TimeProvider time, IOptions<PostgresFlushOptions> flushOptions, ILogger<PostgresBatchCommitter> logger)
{
    private readonly PostgresFlushOptions options = flushOptions.Value;

    private const string SetBounds =
        "SELECT set_config('idle_in_transaction_session_timeout', $1, true), set_config('lock_timeout', $2, true)";

    private const string ReadCheckpoints = """
        SELECT c.topic, c.partition, c.next_offset, c.log_generation
        FROM kafka_checkpoints c
        JOIN unnest($1::text[], $2::integer[]) AS k(topic, partition) ON c.topic = k.topic AND c.partition = k.partition
        """;

    // Locks in a fixed order, so two silos flushing overlapping partitions cannot deadlock.
    private const string LockCheckpoints = ReadCheckpoints + """

        ORDER BY c.topic, c.partition
        FOR UPDATE OF c
        """;

    private const string MoveCheckpoints = """
        UPDATE kafka_checkpoints c
        SET next_offset = m.next_offset, updated_at = CURRENT_TIMESTAMP
        FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS m(topic, partition, next_offset)
        WHERE c.topic = m.topic AND c.partition = m.partition
        """;

    /// <summary>
    /// Commits the batches; returns one outcome per batch, in input order. Rows PostgreSQL refuses (see
    /// <see cref="PostgresErrors.IsCausedByTheRows"/>) become dead letters and the rest commits. Throws when PostgreSQL
    /// fails otherwise (nothing is stored then).
    /// </summary>
    /// <remarks>
    /// Asynchronous all the way down: a commit never holds a thread-pool thread while PostgreSQL works. (Synchronous
    /// commits on a pooled connection whose socket async code had used each held a worker waiting for a thread-pool work
    /// item; with two flushes that was every worker the pool allowed, and the silo stalled until the pool's starvation
    /// check added a thread, up to a second later; see docs/BENCHMARKS.md, "The half-load tail".)
    /// </remarks>
    public async Task<BatchCommitOutcome[]> CommitAsync(IReadOnlyList<UserEventBatch> batches, CancellationToken cancellationToken)
    {
        try
        {
            return await CommitAsync(batches, isolateRefusedRows: false, cancellationToken);
        }
        catch (PostgresException exception) when (PostgresErrors.IsCausedByTheRows(exception))
        {
            LogIsolating(exception.SqlState, exception.MessageText, batches.Count);
            return await CommitAsync(batches, isolateRefusedRows: true, cancellationToken);
        }
    }

    private async Task<BatchCommitOutcome[]> CommitAsync(IReadOnlyList<UserEventBatch> batches, bool isolateRefusedRows, CancellationToken cancellationToken)
    {
        var keys = batches.Select(b => new PartitionKey(b.Topic, b.Partition)).Distinct().ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await SetTransactionBoundsAsync(connection);
            var read = await CheckpointsAsync(connection, ReadCheckpoints, keys);
            var plan = CommitPlan.Create(batches, read);
            if (plan.NewCheckpoints.Count == 0)
            {
                await transaction.CommitAsync(CancellationToken.None);
                return plan.Batches.Select(b => b.ToOutcome()).ToArray();
            }

            var refusedPerBatch = new int[batches.Count];
            var processedAt = time.GetUtcNow();
            var tally = await WriteAsync(connection, transaction, plan, isolateRefusedRows, refusedPerBatch, processedAt, cancellationToken);
            var moving = plan.NewCheckpoints.Keys.ToArray();
            var locked = await CheckpointsAsync(connection, LockCheckpoints, moving);
            if (moving.Any(k => !locked.TryGetValue(k, out var now) || now != read[k]))
            {
                await transaction.RollbackAsync(CancellationToken.None);
                LogCheckpointsMoved(attempt);
                if (attempt >= options.MaxPlanAttempts)
                {
                    throw new CheckpointsMovedException(attempt);
                }

                continue;
            }

            await MoveCheckpointsToAsync(connection, plan.NewCheckpoints);
            await CommitBookkeeping.WriteAsync(connection, plan, tally, processedAt);
            await transaction.CommitAsync(CancellationToken.None);
            return plan.Batches.Select((b, i) => Outcome(b, refusedPerBatch[i])).ToArray();
        }
    }

    private static BatchCommitOutcome Outcome(BatchPlan plan, int refusedEvents)
    {
        var outcome = plan.ToOutcome();
        return outcome with { EventsWritten = outcome.EventsWritten - refusedEvents, RejectionsWritten = outcome.RejectionsWritten + refusedEvents };
    }

    private async Task<FlushTally> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CommitPlan plan, bool isolateRefusedRows, int[] refusedPerBatch, DateTimeOffset processedAt, CancellationToken cancellationToken)
    {
        var rows = FlushRows.Of(plan);
        var tally = new FlushTally();
        if (!isolateRefusedRows)
        {
            if (rows.Events.Count > 0)
            {
                await RowCopy.EventsAsync(connection, rows.Events, 0, rows.Events.Count, processedAt, cancellationToken);
            }

            if (rows.DeadLetters.Count > 0)
            {
                await RowCopy.DeadLettersAsync(connection, rows.DeadLetters, 0, rows.DeadLetters.Count, processedAt, cancellationToken);
            }

            Count(tally, rows.Events, new HashSet<int>(), rows.DeadLetters);
            return tally;
        }

        var deadLetters = rows.DeadLetters.ToList();
        var refusedEvents = await RefusedRowIsolation.CopyAsync(transaction, rows.Events.Count, (from, to) => RowCopy.EventsAsync(connection, rows.Events, from, to, processedAt, cancellationToken));
        foreach (var (index, error) in refusedEvents)
        {
            var row = rows.Events[index];
            LogEventRefused(row.Partition, row.Event.Offset, error.SqlState, error.MessageText);
            refusedPerBatch[row.BatchIndex]++;
            deadLetters.Add(DeadLetterRow.ForRefusedEvent(row, PostgresErrors.Describe(error)));
        }

        var refusedDeadLetters = await RefusedRowIsolation.CopyAsync(transaction, deadLetters.Count, (from, to) => RowCopy.DeadLettersAsync(connection, deadLetters, from, to, processedAt, cancellationToken));
        if (refusedDeadLetters.Count > 0)
        {
            var (index, error) = refusedDeadLetters[0];
            var row = deadLetters[index];
            LogDeadLetterRefused(refusedDeadLetters.Count, row.Partition, row.Record.Offset, error.SqlState, error.MessageText);
            throw new DeadLetterRefusedException(row.Partition, row.Record.Offset, error);
        }

        Count(tally, rows.Events, refusedEvents.Select(r => r.Index).ToHashSet(), deadLetters);
        return tally;
    }

    private static void Count(FlushTally tally, IReadOnlyList<EventRow> events, HashSet<int> refused, IReadOnlyList<DeadLetterRow> deadLetters)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (!refused.Contains(i))
            {
                var row = events[i];
                tally.AddEvent(row.Partition, row.Event.EventType, row.Event.EventTime);
            }
        }

        foreach (var deadLetter in deadLetters)
        {
            tally.AddRejected(deadLetter.Partition);
        }
    }

    private async Task SetTransactionBoundsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(SetBounds, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Milliseconds(options.IdleInTransactionTimeout) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Milliseconds(options.LockTimeout) });
        await command.ExecuteNonQueryAsync();
    }

    private static string Milliseconds(TimeSpan value) => $"{(long)value.TotalMilliseconds}ms";

    private static async Task<Dictionary<PartitionKey, KafkaCheckpoint>> CheckpointsAsync(NpgsqlConnection connection, string sql, IReadOnlyCollection<PartitionKey> keys)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Topic).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = keys.Select(k => k.Partition).ToArray() });
        var checkpoints = new Dictionary<PartitionKey, KafkaCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            checkpoints[new PartitionKey(reader.GetString(0), reader.GetInt32(1))] = new KafkaCheckpoint(reader.GetInt64(2), reader.GetInt32(3));
        }

        return checkpoints;
    }

    private static async Task MoveCheckpointsToAsync(NpgsqlConnection connection, IReadOnlyDictionary<PartitionKey, long> checkpoints)
    {
        await using var command = new NpgsqlCommand(MoveCheckpoints, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = checkpoints.Keys.Select(k => k.Topic).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = checkpoints.Keys.Select(k => k.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = checkpoints.Values.ToArray() });
        await command.ExecuteNonQueryAsync();
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "PostgreSQL refused a flush of {Batches} batches for a reason in its rows (SQLSTATE {SqlState}: {Error}); writing it again row range by row range, so that what PostgreSQL refuses becomes a dead letter")]
    private partial void LogIsolating(string sqlState, string error, int batches);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "PostgreSQL refused the event of partition {Partition} offset {Offset} (SQLSTATE {SqlState}: {Error}); it is stored as a dead letter")]
    private partial void LogEventRefused(int partition, long offset, string sqlState, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Critical, Message = "PostgreSQL refused {Count} dead letters, first partition {Partition} offset {Offset} (SQLSTATE {SqlState}: {Error}); the flush fails and is retried until user_events_rejected accepts them: nothing is dropped")]
    private partial void LogDeadLetterRefused(int count, int partition, long offset, string sqlState, string error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Another silo moved a flushed checkpoint while this flush was writing (attempt {Attempt}); planning again")]
    private partial void LogCheckpointsMoved(int attempt);
}
