using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;

namespace UserEvents.Orleans.Benchmarks.Infrastructure;

/// <summary>
/// A fresh database for one scenario, with every script of sql/ applied by the project's migrator, so every scenario
/// writes into the same table <c>user_events</c> with the same indexes. Dropped on dispose unless kept.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private readonly bool keep;

    private BenchmarkDatabase(string adminConnectionString, string name, bool keep)
    {
        this.adminConnectionString = adminConnectionString;
        this.keep = keep;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, MaxPoolSize = 20 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates database <paramref name="name"/> (it must not exist) and migrates it.</summary>
    public static async Task<BenchmarkDatabase> CreateAsync(string adminConnectionString, string name, bool keep, CancellationToken cancellationToken)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = new BenchmarkDatabase(adminConnectionString, name, keep);
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
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
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

        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync(CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync(CancellationToken.None);
    }
}
