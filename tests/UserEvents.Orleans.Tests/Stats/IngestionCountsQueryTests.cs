using System.Text.Json;
using Npgsql;
using UserEvents.Orleans.Postgres.Stats;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// The counts behind <c>/api/stats</c>, the page and <c>stats</c> come from the counters: equal to what SQL counts in the
/// tables, and read without touching a partition of the event tables.
/// </summary>
public sealed class IngestionCountsQueryTests
{
    private const string Topic = "user-events";

    [Fact]
    public async Task The_counts_and_rates_from_the_counters_equal_what_SQL_counts_in_the_tables()
    {
        var database = await ContractCommits.CreateDatabaseAsync("statscounters");
        // Commits now, 3 and 30 minutes ago: the two rate windows see different parts of them.
        await ContractCommits.CommitAsync(database, Topic, 0, 0, 0, 4000, flush: 500, rejectEvery: 97, processedAt: DateTimeOffset.UtcNow.AddMinutes(-30));
        await ContractCommits.CommitAsync(database, Topic, 1, 0, 0, 3000, flush: 300, rejectEvery: 50, processedAt: DateTimeOffset.UtcNow.AddMinutes(-3));
        await ContractCommits.CommitAsync(database, Topic, 1, 0, 3000, 3500, flush: 100, rejectEvery: 50);
        await ContractCommits.CommitAsync(database, Topic, 2, 0, 100, 700, flush: 700, rejectEvery: 7);

        await using var dataSource = NpgsqlDataSource.Create(database);
        var counts = await new IngestionCountsQuery(dataSource).ReadAsync(CancellationToken.None);

        Assert.Equal(await ExpectedStats.StoredAsync(database), counts.EventsStored);
        Assert.Equal(await ExpectedStats.RejectedAsync(database), counts.EventsRejected);
        Assert.Equal(await ExpectedStats.ByEventTypeAsync(database), counts.ByEventType.ToDictionary(c => c.EventType, c => c.Count));
        Assert.Equal(await ExpectedStats.RateAsync(database, counts.ReadAt, 1), counts.EventsPerSecond1m);
        Assert.Equal(await ExpectedStats.RateAsync(database, counts.ReadAt, 5), counts.EventsPerSecond5m);
        Assert.True(counts.EventsPerSecond1m > 0 && counts.EventsPerSecond5m > 0, "both windows hold commits");
    }

    [Fact]
    public async Task No_statement_of_the_counts_reads_a_partition_of_the_event_tables()
    {
        var database = await ContractCommits.CreateDatabaseAsync("statsplan");
        await ContractCommits.CommitAsync(database, Topic, 0, 0, 0, 2000, flush: 1000, rejectEvery: 10);
        await PostgresServer.ExecuteAsync(database, "ANALYZE");

        var relations = new List<string>();
        foreach (var statement in IngestionCountsQuery.Statements)
        {
            relations.AddRange(await PlanRelationsAsync(database, statement));
        }

        Assert.NotEmpty(relations);
        Assert.DoesNotContain(relations, r => r.StartsWith("user_events", StringComparison.Ordinal));
        Assert.Contains("event_type_counts", relations);
        Assert.Contains("ingest_minutes", relations);
    }

    private static async Task<List<string>> PlanRelationsAsync(string database, string statement)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // Generic plan of a statement with parameters: PREPARE it, EXPLAIN EXECUTE with sample values.
        var parameters = statement.Contains("$2", StringComparison.Ordinal) ? "(1, 5)" : "";
        await using (var prepare = new NpgsqlCommand($"PREPARE s{(parameters.Length > 0 ? "(integer, integer)" : "")} AS {statement}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand($"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE s{parameters}", connection);
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var relations = new List<string>();
        Collect(plan.RootElement, relations);
        return relations;
    }

    private static void Collect(JsonElement element, List<string> relations)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "Relation Name")
                    {
                        relations.Add(property.Value.GetString()!);
                    }

                    Collect(property.Value, relations);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, relations);
                }

                break;
        }
    }
}
