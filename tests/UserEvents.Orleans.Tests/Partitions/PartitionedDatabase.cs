using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Postgres;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>
/// A migrated database whose partitions begin <see cref="DaysOfHistory"/> days ago, filled through the product's committer
/// at chosen times (<see cref="StoreAsync"/>), and optionally a login that is only a member of user_events_runtime. The
/// role is dropped at the end.
/// </summary>
public sealed class PartitionedDatabase : IAsyncDisposable
{
    public const int DaysOfHistory = 3;

    private const string Topic = "user-events";
    private const int KafkaPartitions = 3;
    private static readonly string[] EventTypes = ["view", "like", "share"];

    private readonly long[] nextOffsets = new long[KafkaPartitions];
    private string? role;

    private PartitionedDatabase(string ownerConnectionString) => OwnerConnectionString = ownerConnectionString;

    public string OwnerConnectionString { get; }

    /// <summary>The runtime role's connection string once <see cref="AddRuntimeRoleAsync"/> ran.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    /// <summary>Midnight UTC <see cref="DaysOfHistory"/> days ago: where the legacy partitions now end.</summary>
    public DateTimeOffset HistoryStart { get; private set; }

    /// <param name="legacyEnd">Where the legacy partitions end instead (for partitions narrower than a day).</param>
    public static async Task<PartitionedDatabase> CreateAsync(DateTimeOffset? legacyEnd = null)
    {
        var database = new PartitionedDatabase(await PostgresServer.CreateMigratedDatabaseAsync("parts"));
        var today = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        database.HistoryStart = legacyEnd ?? today.AddDays(-DaysOfHistory);
        foreach (var parent in PartitionParents.All)
        {
            await database.EndLegacyAtAsync(parent, parent == PartitionParents.Events ? "processed_at" : "received_at", database.HistoryStart);
        }

        return database;
    }

    public async Task AddRuntimeRoleAsync()
    {
        role = $"ue_part_{Guid.NewGuid():N}"[..24];
        var password = $"pw-{Guid.NewGuid():N}";
        await PostgresServer.ExecuteAsync(OwnerConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE user_events_runtime");
        RuntimeConnectionString = new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = role, Password = password }.ConnectionString;
    }

    public static PartitionMaintenance Maintenance(NpgsqlDataSource dataSource, TimeSpan? retention) =>
        new(dataSource, new PartitionSettings { Interval = TimeSpan.FromDays(1), Ahead = 3, Retention = retention }, NullLogger<PartitionMaintenance>.Instance);

    /// <summary>
    /// Stores <paramref name="events"/> events and a tenth as many dead letters, spread over three Kafka partitions,
    /// through the product's committer with its clock at <paramref name="at"/>: the rows, counters, ledger and checkpoints
    /// are what a flush at that time writes.
    /// </summary>
    public async Task StoreAsync(DateTimeOffset at, int events)
    {
        await using var dataSource = NpgsqlDataSource.Create(OwnerConnectionString);
        var checkpoints = new PostgresCheckpointStore(dataSource);
        var batches = new List<UserEventBatch>();
        for (var partition = 0; partition < KafkaPartitions; partition++)
        {
            await checkpoints.PinAsync(Topic, partition, 0, null, default);
            var from = nextOffsets[partition];
            var offset = from;
            var rows = new List<UserEvent>();
            var deadLetters = new List<RejectedRecord>();
            for (var g = 1; g <= events; g++)
            {
                if (g % KafkaPartitions == partition)
                {
                    rows.Add(new UserEvent(g % 97, g % 31, EventTypes[g % 3], at.AddSeconds(-1).ToUnixTimeMilliseconds(), offset++));
                }
            }

            for (var g = 1; g <= events / 10; g++)
            {
                if (g % KafkaPartitions == partition)
                {
                    deadLetters.Add(new RejectedRecord(offset++, null, [0x00], "not JSON"));
                }
            }

            nextOffsets[partition] = offset;
            batches.Add(new UserEventBatch(Topic, partition, from, offset, [.. rows], [.. deadLetters], at));
        }

        var outcomes = await Committers.Create(dataSource, time: new FakeTimeProvider(at)).CommitAsync(batches.Where(b => b.RecordCount > 0).ToArray(), default);
        Assert.All(outcomes, o => Assert.Equal(BatchCommitStatus.Committed, o.Status));
    }

    /// <summary>Asserts that <c>event_type_counts</c> and <c>rejected_counts</c> equal what SQL counts in the rows.</summary>
    public async Task AssertCountersEqualRowsAsync() => RowCounts.AssertNone(await RowCounts.CounterMismatchesAsync(OwnerConnectionString));

    public Task ExecuteAsync(string sql) => PostgresServer.ExecuteAsync(OwnerConnectionString, sql);

    public Task<long> CountAsync(string sql) => PostgresServer.ScalarAsync<long>(OwnerConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (role is not null)
        {
            await PostgresServer.ExecuteAsync(OwnerConnectionString, $"DROP OWNED BY {role}");
            await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP ROLE IF EXISTS {role}");
        }
    }

    /// <summary>Moves the legacy partition's end back to <paramref name="boundary"/> (it is empty in a new database), as after days of running.</summary>
    private async Task EndLegacyAtAsync(string parent, string key, DateTimeOffset boundary)
    {
        var legacy = parent + "_legacy";
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            ALTER TABLE {parent} DETACH PARTITION {legacy};
            ALTER TABLE {legacy} DROP CONSTRAINT {legacy}_bound;
            ALTER TABLE {legacy} ADD CONSTRAINT {legacy}_bound CHECK ({key} < '{boundary:O}');
            ALTER TABLE {parent} ATTACH PARTITION {legacy} FOR VALUES FROM (MINVALUE) TO ('{boundary:O}');
            UPDATE event_partitions SET to_at = '{boundary:O}' WHERE partition = '{legacy}';
            """,
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
