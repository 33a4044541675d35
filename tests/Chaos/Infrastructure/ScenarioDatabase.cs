using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;

namespace UserEvents.Orleans.Chaos.Infrastructure;

/// <summary>
/// A fresh database for one scenario, migrated by the project's migrator (the silos find it ready). Dropped on dispose
/// unless kept; a drop that fails (the server is gone) is ignored.
/// </summary>
public sealed class ScenarioDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private readonly bool keep;

    private ScenarioDatabase(string adminConnectionString, string name, bool keep)
    {
        this.adminConnectionString = adminConnectionString;
        this.keep = keep;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, MaxPoolSize = 10, Timeout = 5 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<ScenarioDatabase> CreateAsync(string adminConnectionString, string name, bool keep, CancellationToken cancellationToken)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = new ScenarioDatabase(adminConnectionString, name, keep);
        try
        {
            await Task.Run(() => new PostgresSchemaMigrator(NullLogger<PostgresSchemaMigrator>.Instance).Migrate(database.ConnectionString, createDatabase: false), cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (keep)
        {
            return;
        }

        try
        {
            await using var admin = new NpgsqlConnection(adminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The server of a throwaway cluster may be gone already; its data directory goes with it.
        }
    }
}
