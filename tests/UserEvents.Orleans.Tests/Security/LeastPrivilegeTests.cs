using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Postgres;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// A login role that is only a member of user_events_runtime (sql/0014) runs the whole pipeline, but cannot change the schema
/// or delete stored events. The migration is done beforehand by the owner (here the superuser), as in docker-compose.yml.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class LeastPrivilegeTests(RuntimeRoleDatabase database) : IClassFixture<RuntimeRoleDatabase>
{

    [Fact]
    public async Task A_member_of_the_runtime_role_ingests_events_exactly_once_and_its_password_is_never_logged()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);
        var environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database.RuntimeConnectionString, "least");
        environment["POSTGRES_MIGRATE"] = "false";
        environment["Logging__LogLevel__Orleans"] = "Information";
        environment["Logging__LogLevel__Microsoft"] = "Information";
        await using var silo = await SiloProcess.StartAsync("least", environment);

        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(600, malformedEvery: 50));
        var totals = await IngestionAssertions.WaitForStoredAsync(database.OwnerConnectionString, kafka.Topic, 600, TimeSpan.FromSeconds(60), () => silo.Tail());
        await silo.StopAsync();

        IngestionAssertions.AssertExactlyOnce(totals, 600, SampleEvents.MalformedCount(600, 50));
        Assert.Contains(silo.Output, line => line.Contains("schema migrated: False", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Output, line => line.Contains(database.Password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DROP TABLE user_events")]
    [InlineData("ALTER TABLE kafka_checkpoints ADD COLUMN note text")]
    [InlineData("DELETE FROM user_events")]
    [InlineData("TRUNCATE user_events_rejected")]
    [InlineData("UPDATE user_events SET user_id = 0")]
    [InlineData("DELETE FROM kafka_checkpoints")]
    [InlineData("UPDATE orleansquery SET querytext = 'SELECT 1'")]
    [InlineData("CREATE TABLE intruder (id int)")]
    public async Task A_member_of_the_runtime_role_cannot_change_the_schema_or_remove_data(string statement)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(database.RuntimeConnectionString, statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    /// <summary>
    /// Every table the stats queries (src/Postgres/Stats), the stats API's partitions and <c>verify</c> read, and the seed's
    /// view: the runtime role reads the same rows as the owner, and there is something to read (rows committed through the
    /// product's committer as the runtime role, with dead letters). A database of its own, so that the ingestion test's
    /// counts are not disturbed.
    /// </summary>
    [Fact]
    public async Task A_member_of_the_runtime_role_reads_what_the_owner_reads_in_each_table_the_stats_and_verify_read()
    {
        string[] tables =
        [
            "user_events", "user_events_rejected", "event_type_counts", "rejected_counts", "ingest_minutes",
            "kafka_checkpoints", "kafka_commit_ledger", "kafka_offset_resets", "event_partitions", "user_events_stats",
        ];
        var own = new RuntimeRoleDatabase();
        await own.InitializeAsync();
        try
        {
            await CommitAsRuntimeRoleAsync(own);
            var differences = new List<string>();
            foreach (var table in tables)
            {
                var owner = await RowsDigestAsync(own.OwnerConnectionString, table);
                (long Rows, string Digest) runtime;
                try
                {
                    runtime = await RowsDigestAsync(own.RuntimeConnectionString, table);
                }
                catch (PostgresException error)
                {
                    differences.Add($"{table}: the runtime role cannot read it (SQLSTATE {error.SqlState}: {error.MessageText})");
                    continue;
                }

                if (owner.Rows == 0 || runtime != owner)
                {
                    differences.Add($"{table}: owner reads {owner.Rows} rows ({owner.Digest}), runtime role {runtime.Rows} ({runtime.Digest})");
                }
            }

            Assert.True(differences.Count == 0, string.Join("\n", differences));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private static async Task<(long Rows, string Digest)> RowsDigestAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*), coalesce(md5(string_agg(md5(t::text), ',' ORDER BY md5(t::text))), '') FROM {table} t", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>Commits events and dead letters of two partitions through the product's committer, logged in as the runtime role.</summary>
    private static async Task CommitAsRuntimeRoleAsync(RuntimeRoleDatabase target)
    {
        const string Topic = "user-events"; // no broker: the committer alone writes these rows
        await PostgresServer.ExecuteAsync(target.OwnerConnectionString, $"""
            INSERT INTO kafka_offset_resets (topic, partition, from_offset, to_offset, low_watermark, high_watermark, reason, from_generation, to_generation, kind)
            VALUES ('{Topic}', 0, 0, 0, 0, 0, 'a reset for the runtime role to read', 0, 0, 'retention')
            """);
        await using var dataSource = NpgsqlDataSource.Create(target.RuntimeConnectionString);
        var checkpoints = new PostgresCheckpointStore(dataSource);
        for (var partition = 0; partition < 2; partition++)
        {
            await checkpoints.PinAsync(Topic, partition, 0, null, default);
        }

        var outcomes = await Committers.Create(dataSource).CommitAsync(
            [CommitPlanTests.Batch(0, 0, 100, rejectAt: [7, 8], topic: Topic), CommitPlanTests.Batch(1, 0, 50, rejectAt: [49], topic: Topic)],
            default);
        Assert.All(outcomes, o => Assert.Equal(BatchCommitStatus.Committed, o.Status));
    }
}
