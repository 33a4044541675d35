using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// The bucket a flush's counters and ledger entry go to, written by the product's committer and checked against plain
/// date arithmetic on the flush's time (daily partitions: midnight UTC of its day; before the first day partition the
/// legacy one, '-infinity'; beyond the partitions made ahead the default one, 'infinity'); then retention over those
/// commits leaves exactly the kept days' counts.
/// </summary>
public sealed class RetentionBucketsTests
{
    [Fact]
    public async Task Each_flush_is_counted_in_the_bucket_of_its_day_and_retention_removes_exactly_the_expired_days_counts()
    {
        await using var database = await PartitionedDatabase.CreateAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.OwnerConnectionString);
        await PartitionedDatabase.Maintenance(dataSource, retention: null).RunAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var history = database.HistoryStart;
        (DateTimeOffset At, int Events, string Bucket)[] flushes =
        [
            (history.AddHours(-5), 700, "-infinity"),
            (history.AddHours(3), 1_000, Midnight(history.AddHours(3))),
            (history.AddDays(1).AddHours(23).AddMinutes(59), 2_000, Midnight(history.AddDays(1).AddHours(23).AddMinutes(59))),
            (history.AddDays(2), 500, Midnight(history.AddDays(2))),
            (now, 400, Midnight(now)),
            (today.AddDays(10), 300, "infinity"),
        ];
        foreach (var (at, events, _) in flushes)
        {
            await database.StoreAsync(at, events);
        }

        var expectedEvents = flushes.ToDictionary(f => f.Bucket, f => (long)f.Events);
        Assert.Equal(expectedEvents, await PerBucketAsync(database, "SELECT {0}, sum(events)::bigint FROM event_type_counts GROUP BY 1"));
        Assert.Equal(flushes.ToDictionary(f => f.Bucket, f => (long)(f.Events / 10)), await PerBucketAsync(database, "SELECT {0}, sum(rejected)::bigint FROM rejected_counts GROUP BY 1"));
        Assert.Equal(expectedEvents, await PerBucketAsync(database, "SELECT {0}, sum(events)::bigint FROM kafka_commit_ledger GROUP BY 1"));

        // Days end at midnight: with one day of retention, every day before yesterday goes, the legacy partition too.
        var report = await PartitionedDatabase.Maintenance(dataSource, retention: TimeSpan.FromDays(1)).RunAsync(CancellationToken.None);

        Assert.True(report.Complete);
        var kept = flushes.Where(f => f.Bucket is "infinity" || (f.Bucket is not "-infinity" && DateTimeOffset.Parse(f.Bucket, CultureInfo.InvariantCulture).AddDays(1) > now.AddDays(-1))).ToArray();
        Assert.Equal(3, kept.Length);
        Assert.Equal(kept.ToDictionary(f => f.Bucket, f => (long)f.Events), await PerBucketAsync(database, "SELECT {0}, sum(events)::bigint FROM event_type_counts GROUP BY 1"));
        Assert.Equal(kept.Sum(f => (long)f.Events), await database.CountAsync("SELECT count(*) FROM user_events"));
        await database.AssertCountersEqualRowsAsync();
    }

    private static string Midnight(DateTimeOffset at) => at.UtcDateTime.Date.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) + "Z";

    private static async Task<Dictionary<string, long>> PerBucketAsync(PartitionedDatabase database, string sql)
    {
        const string Bucket = """CASE WHEN bucket = '-infinity' THEN '-infinity' WHEN bucket = 'infinity' THEN 'infinity' ELSE to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') END""";
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, sql, Bucket), connection);
        await using var reader = await command.ExecuteReaderAsync();
        var buckets = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            buckets[reader.GetString(0)] = reader.GetInt64(1);
        }

        return buckets;
    }
}
