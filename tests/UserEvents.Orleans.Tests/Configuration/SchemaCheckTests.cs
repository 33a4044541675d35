using System.Diagnostics;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Configuration;

/// <summary>
/// A silo started without POSTGRES_MIGRATE against a database that lacks this version's schema (or carries a newer one)
/// stops at once with exit code 2 and one line that says what is missing and how to fix it, not a provider's stack trace.
/// </summary>
public sealed class SchemaCheckTests
{
    [Fact]
    public async Task An_unmigrated_database_stops_the_silo_with_one_line_and_exit_code_2()
    {
        var database = await PostgresServer.CreateEmptyDatabaseAsync("schema");

        var (exitCode, stderr) = await RunSiloAsync(database);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("has no UserEvents schema", line);
        Assert.Contains("--migrate-only", line);
        Assert.Contains("POSTGRES_MIGRATE=true", line);
        Assert.DoesNotContain("orleansquery", stderr);
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_version_stops_the_silo_naming_the_unknown_script()
    {
        var database = await PostgresServer.CreateMigratedDatabaseAsync("schema");
        await PostgresServer.ExecuteAsync(database, "INSERT INTO schemaversions (scriptname, applied) VALUES ('sql.9999_from_the_future.sql', now())");

        var (exitCode, stderr) = await RunSiloAsync(database);

        Assert.Equal(2, exitCode);
        Assert.Contains("migrated by a newer version (script 9999_from_the_future.sql is unknown to this build)", stderr);
    }

    [Fact]
    public async Task A_database_missing_a_script_of_this_version_is_reported_with_the_fix()
    {
        var database = await PostgresServer.CreateMigratedDatabaseAsync("schema");
        var last = PostgresSchemaMigrator.ScriptNames[^1];
        await PostgresServer.ExecuteAsync(database, $"DELETE FROM schemaversions WHERE scriptname = '{last}'");

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var problem = await SchemaCheck.ProblemAsync(connection, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.Contains($"lacks 1 schema script(s) of this version ({last["sql.".Length..]})", problem);
        Assert.Contains("--migrate-only", problem);
    }

    [Fact]
    public async Task A_migrated_database_passes_the_check()
    {
        var database = await PostgresServer.CreateMigratedDatabaseAsync("schema");
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        Assert.Null(await SchemaCheck.ProblemAsync(connection, CancellationToken.None));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Journal_names_that_sort_before_this_builds_last_script_are_earlier_renames_not_a_newer_version()
    {
        var embedded = new[] { "sql.0001_a.sql", "sql.0002_b.sql" };

        Assert.Null(SchemaCheck.Compare("db", new HashSet<string> { "sql.0001_a.sql", "sql.0002_b.sql", "sql.0001_old_name.sql" }, embedded, "fix"));
        Assert.Contains("newer version", SchemaCheck.Compare("db", new HashSet<string> { "sql.0001_a.sql", "sql.0002_b.sql", "sql.0003_c.sql" }, embedded, "fix"));
    }

    private static async Task<(int ExitCode, string Stderr)> RunSiloAsync(string connectionString)
    {
        var pg = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"));
        start.Environment["POSTGRES_HOST"] = pg.Host;
        start.Environment["POSTGRES_PORT"] = pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["POSTGRES_DB"] = pg.Database;
        start.Environment["POSTGRES_USER"] = pg.Username;
        start.Environment["POSTGRES_PASSWORD"] = pg.Password;
        start.Environment["POSTGRES_MIGRATE"] = "false";
        start.Environment["KAFKA_BROKER"] = "127.0.0.1:1";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        return (process.ExitCode, await stderr);
    }
}
