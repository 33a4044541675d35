using Npgsql;
using UserEvents.Orleans.Silo.Startup;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>A database that cannot hold UTF-8 text stops the silo at start with one clear line.</summary>
public sealed class DatabaseEncodingCheckTests
{
    [Fact]
    public async Task A_latin1_database_is_refused_with_its_name_and_encoding()
    {
        var name = $"latin1_{Guid.NewGuid():N}"[..20];
        await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"CREATE DATABASE \"{name}\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = name }.ConnectionString);
        await connection.OpenAsync();

        var refused = await Assert.ThrowsAsync<UnsupportedDatabaseException>(() => DatabaseEncodingCheck.EnsureUtf8Async(connection, default));

        Assert.Equal($"PostgreSQL database '{name}' has encoding LATIN1; user-events needs UTF8 (create it with ENCODING 'UTF8' TEMPLATE template0)", refused.Message);
    }

    [Fact]
    public async Task A_utf8_database_passes()
    {
        await using var connection = new NpgsqlConnection(await PostgresServer.CreateEmptyDatabaseAsync("utf8"));
        await connection.OpenAsync();

        await DatabaseEncodingCheck.EnsureUtf8Async(connection, default);
    }
}
