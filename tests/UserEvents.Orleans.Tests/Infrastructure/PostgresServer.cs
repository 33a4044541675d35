using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL server the tests use (started by scripts/test.sh). Each test database is
/// created fresh with a unique name and migrated with the production migrator.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "USER_EVENTS_TEST_POSTGRES";

    public static string AdminConnectionString { get; } =
        Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? "Host=127.0.0.1;Port=5433;Username=postgres;Password=postgres;Database=postgres";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Creates a database and applies every script of sql/ through the production migrator.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix = "t")
    {
        var connectionString = await CreateEmptyDatabaseAsync(prefix);
        new PostgresSchemaMigrator(NullLogger<PostgresSchemaMigrator>.Instance).Migrate(connectionString, createDatabase: false);
        return connectionString;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
