using Microsoft.Extensions.Time.Testing;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Postgres;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// Fills a database through the product's own committer (rows, dead letters, counters, ledger and checkpoint in one
/// transaction each), with the flush's clock set to a chosen time: the stats and verify tests get commits as the pipeline
/// makes them, without Kafka, and at any processed_at.
/// </summary>
public static class ContractCommits
{
    private static readonly string[] EventTypes = ["view", "click", "rate", "share"];

    /// <summary>A migrated database.</summary>
    public static Task<string> CreateDatabaseAsync(string prefix) => PostgresServer.CreateMigratedDatabaseAsync(prefix);

    /// <summary>
    /// Commits [<paramref name="from"/>, <paramref name="to"/>) of a partition in flushes of <paramref name="flush"/>
    /// offsets, processed at <paramref name="processedAt"/> (now by default); every <paramref name="rejectEvery"/>th offset is
    /// a dead letter. A partition without a checkpoint is pinned at <paramref name="from"/>; one with a checkpoint must
    /// already stand at <paramref name="from"/> in <paramref name="generation"/>.
    /// </summary>
    public static async Task CommitAsync(string database, string topic, int partition, int generation, long from, long to, long flush, int rejectEvery, DateTimeOffset? processedAt = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await new PostgresCheckpointStore(dataSource).PinAsync(topic, partition, from, null, default);
        var at = processedAt ?? DateTimeOffset.UtcNow;
        var committer = Committers.Create(dataSource, time: new FakeTimeProvider(at));
        for (var start = from; start < to; start += flush)
        {
            var batch = Batch(topic, partition, generation, start, Math.Min(start + flush, to), rejectEvery, at);
            var outcome = (await committer.CommitAsync([batch], default))[0];
            if (outcome.Status != BatchCommitStatus.Committed)
            {
                throw new InvalidOperationException($"partition {partition} [{batch.FromOffset}, {batch.ToOffset}) was not committed: {outcome}");
            }
        }
    }

    // User offset % 1000, movie offset % 50, one of four types, event time up to an hour before processing.
    private static UserEventBatch Batch(string topic, int partition, int generation, long from, long to, int rejectEvery, DateTimeOffset at)
    {
        var events = new List<UserEvent>();
        var rejections = new List<RejectedRecord>();
        for (var offset = from; offset < to; offset++)
        {
            if (offset % rejectEvery == 0)
            {
                rejections.Add(new RejectedRecord(offset, null, [0x7b], "test"));
            }
            else
            {
                var eventTime = at.AddSeconds(-(offset % 3600));
                events.Add(new UserEvent((int)(offset % 1000), (int)(offset % 50), EventTypes[offset % 4], eventTime.ToUnixTimeMilliseconds(), offset));
            }
        }

        return new UserEventBatch(topic, partition, from, to, [.. events], [.. rejections], at, generation);
    }
}
