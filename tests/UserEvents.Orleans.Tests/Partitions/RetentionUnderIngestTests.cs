using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// Retention drops an old partition while binary COPYs append to the hot one, as the commit does. Every COPY commits
/// and every copied row stays; the longest COPY and the drop's duration are printed (scripts/retention-lock-wait.sh
/// measures them at scale for docs/PARTITIONS.md; nothing here asserts a speed).
/// </summary>
public sealed class RetentionUnderIngestTests(ITestOutputHelper output)
{
    private const int RowsPerCopy = 1_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_drop_while_COPY_appends_to_the_hot_partition_loses_no_copy_and_removes_only_the_old_partition(bool withDefaultPartition)
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        if (!withDefaultPartition)
        {
            await database.ExecuteAsync("DROP TABLE user_events_default; DROP TABLE user_events_rejected_default");
        }

        await using var dataSource = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var old = $"user_events_p{database.HistoryStart:yyyyMMdd}t0000";
        await database.StoreAsync(database.HistoryStart.AddHours(6), 200_000);

        using var stop = new CancellationTokenSource();
        var copies = Task.Run(() => CopyUntilAsync(database.OwnerConnectionString, stop.Token));
        await Task.Delay(1_000);
        var watch = Stopwatch.StartNew();
        var report = await PartitionedDatabase.Maintenance(dataSource, retention: TimeSpan.FromDays(1)).RunAsync(CancellationToken.None);
        var retention = watch.Elapsed;
        await Task.Delay(1_000);
        await stop.CancelAsync();
        var copied = await copies;

        Assert.True(report.Complete);
        Assert.Contains(report.Dropped, d => d.Partition == old && d.Concurrently == !withDefaultPartition);
        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{old}'"));
        Assert.Equal(0, await database.CountAsync($"SELECT count(*) FROM event_type_counts WHERE bucket = '{database.HistoryStart:O}'"));
        Assert.Equal(copied.Count * RowsPerCopy, await database.CountAsync("SELECT count(*) FROM user_events"));
        var durations = copied.Order().ToArray();
        output.WriteLine(
            $"retention-lock-wait: default partition {(withDefaultPartition ? "present (plain DETACH, lock_timeout 500 ms)" : "absent (DETACH CONCURRENTLY)")}: "
            + $"{copied.Count} COPYs of {RowsPerCopy} rows, median {durations[durations.Length / 2].TotalMilliseconds:F1} ms, longest {durations[^1].TotalMilliseconds:F1} ms; "
            + $"retention pass {retention.TotalMilliseconds:F0} ms, drops {string.Join(", ", report.Dropped.Select(d => $"{d.Partition} retired in {d.Duration.TotalMilliseconds:F0} ms, purged in {d.PurgeDuration.TotalMilliseconds:F0} ms"))}");
    }

    /// <summary>COPY transactions into the hot partition, one after the other, until cancelled; returns each one's duration.</summary>
    private static async Task<List<TimeSpan>> CopyUntilAsync(string connectionString, CancellationToken cancellationToken)
    {
        var durations = new List<TimeSpan>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        long offset = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var processedAt = DateTime.UtcNow;
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset) FROM STDIN (FORMAT BINARY)",
                CancellationToken.None))
            {
                for (var i = 0; i < RowsPerCopy; i++, offset++)
                {
                    await copy.StartRowAsync(CancellationToken.None);
                    await copy.WriteAsync((int)(offset % 1000), NpgsqlDbType.Integer, CancellationToken.None);
                    await copy.WriteAsync((int)(offset % 100), NpgsqlDbType.Integer, CancellationToken.None);
                    await copy.WriteAsync("view", NpgsqlDbType.Varchar, CancellationToken.None);
                    await copy.WriteAsync(processedAt, NpgsqlDbType.TimestampTz, CancellationToken.None);
                    await copy.WriteAsync(processedAt, NpgsqlDbType.TimestampTz, CancellationToken.None);
                    await copy.WriteAsync(0, NpgsqlDbType.Integer, CancellationToken.None);
                    await copy.WriteAsync(offset, NpgsqlDbType.Bigint, CancellationToken.None);
                }

                await copy.CompleteAsync(CancellationToken.None);
            }

            await transaction.CommitAsync(CancellationToken.None);
            durations.Add(watch.Elapsed);
        }

        return durations;
    }
}
