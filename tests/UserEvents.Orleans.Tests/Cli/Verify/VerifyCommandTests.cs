using System.Text.RegularExpressions;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Stats;

namespace UserEvents.Orleans.Tests.Cli.Verify;

/// <summary><c>user-events verify</c> against the Kafka topic and the database of a silo that has ingested known events.</summary>
[Collection(nameof(StatsSiloCollection))]
public sealed class VerifyCommandTests(StatsSiloFixture fixture)
{
    private const string CopyMark = "verify-copy";

    [Fact]
    public async Task After_a_clean_ingestion_the_ledger_and_the_deep_recount_find_nothing_missing_or_duplicated_and_the_exit_code_is_0()
    {
        var result = await VerifyAsync();
        var deep = await VerifyAsync("--deep");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Matches(Summary(StatsSiloFixture.Produced, missing: 0, duplicated: 0), result.StandardOutput);
        Assert.Contains(" 0 miscounted ranges, 0 counter mismatches, 0 lost", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(deep.ExitCode == 0, deep.StandardOutput + deep.StandardError);
        Assert.Contains($"deep: {StatsSiloFixture.Produced} rows recounted in 6 generations: 0 missing, 0 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_row_is_missing_and_a_copied_row_is_duplicated_in_the_deep_recount_with_exit_code_1()
    {
        // A dead letter stored a second time, as an event, in its partition; an event of the next partition deleted.
        var duplicatedIn = await PostgresServer.ScalarAsync<int>(fixture.Database, "SELECT kafka_partition FROM user_events_rejected ORDER BY id LIMIT 1");
        var missingIn = (duplicatedIn + 1) % 6;
        await PostgresServer.ExecuteAsync(fixture.Database, $"""
            CREATE TABLE verify_deleted AS SELECT * FROM user_events WHERE kafka_partition = {missingIn} ORDER BY kafka_offset LIMIT 1 OFFSET 10;
            DELETE FROM user_events WHERE id IN (SELECT id FROM verify_deleted);
            INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset)
            SELECT 1, 1, '{CopyMark}', now(), now(), kafka_partition, kafka_offset FROM user_events_rejected WHERE kafka_partition = {duplicatedIn} LIMIT 1
            """);
        try
        {
            var result = await VerifyAsync("--deep");

            Assert.True(result.ExitCode == 1, result.StandardOutput + result.StandardError);
            Assert.Matches(Summary(StatsSiloFixture.Produced, missing: 1, duplicated: 1), result.StandardOutput);
            Assert.Matches(DeepRow(missingIn, missing: 1, duplicated: 0), result.StandardOutput);
            Assert.Matches(DeepRow(duplicatedIn, missing: 0, duplicated: 1), result.StandardOutput);
        }
        finally
        {
            await PostgresServer.ExecuteAsync(fixture.Database, $"""
                DELETE FROM user_events WHERE event_type = '{CopyMark}';
                INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, created_at, kafka_partition, kafka_offset)
                SELECT user_id, movie_id, event_type, event_timestamp, processed_at, created_at, kafka_partition, kafka_offset FROM verify_deleted;
                DROP TABLE verify_deleted
                """);
        }
    }

    private Task<ProcessResult> VerifyAsync(params string[] options)
    {
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(fixture.Database);
        return UserEventsCli.RunAsync(
            new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = pg.Password! },
            ["verify", "--brokers", fixture.Kafka.BootstrapServers, "--topic", fixture.Topic,
             "--postgres-host", pg.Host!, "--postgres-port", pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--postgres-db", pg.Database!, "--postgres-user", pg.Username!, .. options]);
    }

    private static Regex Summary(int owed, int missing, int duplicated) =>
        new($@"verified 6 partitions, {owed} offsets owed: {missing} missing, {duplicated} duplicated, 0 unexpected; .*; 0 not yet stored");

    // Deep recount: partition, generation, window, rows, missing, duplicated.
    private static Regex DeepRow(int partition, int missing, int duplicated) =>
        new($@"│ +{partition} │ +0 │ 0\.\.\d+ +│ +\d+ │ +{missing} │ +{duplicated} │");
}
