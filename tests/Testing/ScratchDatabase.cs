using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// A fresh database for one scenario or benchmark section, with every script of sql/ applied by the project's migrator
/// (the silos find it ready, every run writes the same <c>user_events</c> with the same indexes). Dropped on dispose
/// unless kept; a drop that fails (the server is gone) is ignored.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private readonly bool keep;

    private ScratchDatabase(string adminConnectionString, string name, bool keep, int maxPoolSize)
    {
        this.adminConnectionString = adminConnectionString;
        this.keep = keep;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, MaxPoolSize = maxPoolSize, Timeout = 5 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates database <paramref name="name"/> (it must not exist) and migrates it.</summary>
    public static async Task<ScratchDatabase> CreateAsync(
        string adminConnectionString, string name, bool keep, CancellationToken cancellationToken, int maxPoolSize = 10)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = new ScratchDatabase(adminConnectionString, name, keep, maxPoolSize);
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

    public async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Throws unless <c>user_events</c> holds exactly <paramref name="expected"/> rows.</summary>
    public async Task ExpectRowsAsync(long expected, CancellationToken cancellationToken)
    {
        var rows = await ScalarAsync("SELECT count(*) FROM user_events", cancellationToken);
        if (rows != expected)
        {
            throw new InvalidOperationException($"{rows:N0} rows stored in {Name}, {expected:N0} expected");
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
