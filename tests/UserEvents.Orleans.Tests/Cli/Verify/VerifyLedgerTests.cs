using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Stats;

namespace UserEvents.Orleans.Tests.Cli.Verify;

/// <summary>
/// <c>verify</c> against ledgers filled through the product's committer (<see cref="ContractCommits"/>): the shallow
/// check reads only checkpoints, resets, ledger and counters; <c>--deep</c> recounts rows through the position index.
/// </summary>
public sealed class VerifyLedgerTests(VerifyLedgerTests.KafkaFixture kafka) : IClassFixture<VerifyLedgerTests.KafkaFixture>
{
    private string Topic => kafka.Kafka.Topic;

    [Fact]
    public async Task A_clean_ledger_verifies_shallow_and_deep_with_exit_code_0()
    {
        var database = await FilledDatabaseAsync("verifyclean");

        var shallow = await VerifyAsync(database);
        var deep = await VerifyAsync(database, "--deep");

        Assert.True(shallow.ExitCode == 0, shallow.StandardOutput + shallow.StandardError);
        Assert.Contains("verified 3 partitions, 3000 offsets owed: 0 missing, 0 duplicated, 0 unexpected; 0 miscounted ranges, 0 counter mismatches, 0 lost", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Deep recount", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.True(deep.ExitCode == 0, deep.StandardOutput + deep.StandardError);
        Assert.Contains("deep: 3000 rows recounted in 3 generations: 0 missing, 0 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_injected_duplicate_row_is_found_by_the_deep_recount_in_its_range()
    {
        var database = await FilledDatabaseAsync("verifydup");
        await PostgresServer.ExecuteAsync(database, """
            INSERT INTO user_events (user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_log_generation, kafka_offset)
            SELECT user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_log_generation, kafka_offset
            FROM user_events WHERE kafka_partition = 1 AND kafka_offset = 555
            """);

        var shallow = await VerifyAsync(database);
        var deep = await VerifyAsync(database, "--deep");

        Assert.True(shallow.ExitCode == 0, "the ledger and counters do not see a row copied behind the commit's back: " + shallow.StandardOutput);
        Assert.True(deep.ExitCode == 1, deep.StandardOutput + deep.StandardError);
        Assert.Contains("deep: 3001 rows recounted in 3 generations: 0 missing, 1 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("500..600 stored: 0 missing, 1 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_row_is_found_by_the_deep_recount_and_a_window_of_one_partition_finds_it_alone()
    {
        var database = await FilledDatabaseAsync("verifydel");
        await PostgresServer.ExecuteAsync(database, "DELETE FROM user_events WHERE kafka_partition = 2 AND kafka_offset = 333");

        var deep = await VerifyAsync(database, "--deep");
        var window = await VerifyAsync(database, "--deep", "--partition", "2", "--from", "300", "--to", "400");
        var elsewhere = await VerifyAsync(database, "--deep", "--partition", "2", "--from", "400", "--to", "1000");

        Assert.True(deep.ExitCode == 1, deep.StandardOutput + deep.StandardError);
        Assert.Contains("deep: 2999 rows recounted in 3 generations: 1 missing, 0 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
        Assert.True(window.ExitCode == 1, window.StandardOutput + window.StandardError);
        Assert.Contains("deep: 99 rows recounted in 1 generations: 1 missing, 0 duplicated, 0 unexpected", window.StandardOutput, StringComparison.Ordinal);
        Assert.True(elsewhere.ExitCode == 0, elsewhere.StandardOutput + elsewhere.StandardError);
        Assert.Contains("deep: 600 rows recounted in 1 generations: 0 missing", elsewhere.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_holds_as_many_rows_as_records_Kafka_delivered_when_the_ledger_records_them()
    {
        var database = await FilledDatabaseAsync("verifydelivered");
        await PostgresServer.ExecuteAsync(database, "UPDATE kafka_commit_ledger SET delivered = to_offset - from_offset WHERE partition = 1");
        await PostgresServer.ExecuteAsync(database, "UPDATE kafka_commit_ledger SET delivered = 99 WHERE partition = 0 AND from_offset = 700");

        var shallow = await VerifyAsync(database);

        Assert.True(shallow.ExitCode == 1, shallow.StandardOutput + shallow.StandardError);
        Assert.Contains("700..800", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("0 missing, 0 duplicated, 0 unexpected; 1 miscounted ranges", shallow.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_gap_is_found_by_the_shallow_check_without_reading_the_rows()
    {
        var database = await FilledDatabaseAsync("verifygap");
        await PostgresServer.ExecuteAsync(database, "DELETE FROM kafka_commit_ledger WHERE partition = 0 AND from_offset = 700");

        var shallow = await VerifyAsync(database);

        Assert.True(shallow.ExitCode == 1, shallow.StandardOutput + shallow.StandardError);
        Assert.Contains("gap: offsets 700..800 have no range", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"│ +0 │ +0 │ [^│]+│ 0\.\.1000 +│ +9 │ +1000 │ +\d+ │ +\d+ │ +0 │ +100 │ +0 │ +0 │ +0 │"), shallow.StandardOutput);
        Assert.Contains("100 missing, 0 duplicated, 0 unexpected; 0 miscounted ranges, 1 counter mismatches", shallow.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_truncated_log_and_a_retention_reset_each_generation_is_counted_and_lost_offsets_are_reported_not_failed()
    {
        var database = await FilledDatabaseAsync("verifygen");
        // Partition 0: the broker lost its log beyond offset 200 after we stored up to 1000 (generation 0); the silo went
        // on at the high watermark 200 in generation 1. Partition 1: retention deleted 1000..1500 before we read it.
        await PostgresServer.ExecuteAsync(database, $"""
            INSERT INTO kafka_offset_resets (topic, partition, from_offset, to_offset, low_watermark, high_watermark, reason, from_generation, to_generation, kind)
            VALUES ('{Topic}', 0, 1000, 200, 0, 200, 'checkpoint 1000 beyond the log end 200', 0, 1, 'truncated'),
                   ('{Topic}', 1, 1000, 1500, 1500, 1500, 'checkpoint 1000 below the log start 1500', 0, 0, 'retention');
            INSERT INTO kafka_commit_ledger (topic, partition, log_generation, from_offset, to_offset, events, rejected, kind)
            VALUES ('{Topic}', 1, 0, 1000, 1500, 0, 0, 'lost');
            UPDATE kafka_checkpoints SET next_offset = 1500 WHERE partition = 1;
            UPDATE kafka_checkpoints SET next_offset = 200, log_generation = 1 WHERE partition = 0;
            """);
        await ContractCommits.CommitAsync(database, Topic, 0, 1, 200, 500, flush: 100, rejectEvery: 10);
        await ContractCommits.CommitAsync(database, Topic, 1, 0, 1500, 1800, flush: 100, rejectEvery: 10);

        var shallow = await VerifyAsync(database);
        var deep = await VerifyAsync(database, "--deep");

        Assert.True(shallow.ExitCode == 0, shallow.StandardOutput + shallow.StandardError);
        Assert.Matches(new Regex(@"│ +0 │ +0 │ -  +│ 0\.\.1000 +│ +10 │ +1000 │"), shallow.StandardOutput);
        Assert.Matches(new Regex(@"│ +0 │ +1 │ [^│]+│ 200\.\.500 +│ +3 │ +300 │ +270 │ +30 │"), shallow.StandardOutput);
        Assert.Matches(new Regex(@"│ +1 │ +0 │ [^│]+│ 0\.\.1800 +│ +14 │ +1300 │ +\d+ │ +\d+ │ +500 │ +0 │"), shallow.StandardOutput);
        Assert.Contains("checkpoint 1000 below the log start 1500", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("verified 3 partitions, 3600 offsets owed: 0 missing, 0 duplicated, 0 unexpected; 0 miscounted ranges, 0 counter mismatches, 500 lost", shallow.StandardOutput, StringComparison.Ordinal);
        Assert.True(deep.ExitCode == 0, deep.StandardOutput + deep.StandardError);
        Assert.Contains("deep: 3600 rows recounted in 4 generations: 0 missing, 0 duplicated, 0 unexpected", deep.StandardOutput, StringComparison.Ordinal);
    }

    // Three partitions, offsets 0..1000 each in flushes of 100, every 10th a dead letter.
    private async Task<string> FilledDatabaseAsync(string prefix)
    {
        var database = await ContractCommits.CreateDatabaseAsync(prefix);
        for (var partition = 0; partition < 3; partition++)
        {
            await ContractCommits.CommitAsync(database, Topic, partition, 0, 0, 1000, flush: 100, rejectEvery: 10);
        }

        return database;
    }

    private Task<ProcessResult> VerifyAsync(string database, params string[] options)
    {
        var pg = new NpgsqlConnectionStringBuilder(database);
        return UserEventsCli.RunAsync(
            new Dictionary<string, string> { ["POSTGRES_PASSWORD"] = pg.Password! },
            [
                "verify", "--brokers", kafka.Kafka.BootstrapServers, "--topic", Topic,
                "--postgres-host", pg.Host!, "--postgres-port", pg.Port.ToString(CultureInfo.InvariantCulture),
                "--postgres-db", pg.Database!, "--postgres-user", pg.Username!, .. options,
            ]);
    }

    /// <summary>A local broker with the topic (3 partitions, empty): verify reads its watermarks after PostgreSQL.</summary>
    public sealed class KafkaFixture : IAsyncLifetime
    {
        public KafkaTestBroker Kafka { get; private set; } = null!;

        public async Task InitializeAsync() => Kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);

        public async Task DisposeAsync() => await Kafka.DisposeAsync();
    }
}
