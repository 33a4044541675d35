using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Silo.Configuration;

namespace UserEvents.Orleans.Tests.Configuration;

/// <summary>The silo's PostgreSQL data sources: one per purpose, each its own pool, all from the one settings source.</summary>
public sealed class PostgresDataSourcesTests
{
    [Fact]
    [Trait("Category", "Unit")]
    public async Task Each_purpose_has_its_own_pool_and_timeouts_built_from_the_same_settings()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_HOST"] = "db.example", ["POSTGRES_PASSWORD"] = "pw", ["ORLEANS_SILO_PORT"] = "11112" });
        var services = new ServiceCollection().AddLogging().AddPostgresDataSources(settings.Postgres, settings.Host.SiloPort);
        await using var provider = services.BuildServiceProvider();

        var writer = provider.GetRequiredService<NpgsqlDataSource>();
        var membership = provider.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Membership);
        var readers = provider.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Readers);
        var health = provider.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Health);
        NpgsqlDataSource[] all = [writer, membership, readers, health];
        var strings = all.Select(s => new NpgsqlConnectionStringBuilder(s.ConnectionString)).ToArray();

        Assert.Equal(4, all.Distinct().Count());
        Assert.All(strings, s => Assert.Equal(("db.example", 5432), (s.Host, s.Port)));
        Assert.Equal(
            ["user-events-silo-11112", "user-events-silo-11112-membership", "user-events-silo-11112-readers", "user-events-silo-11112-health"],
            strings.Select(s => s.ApplicationName));
        Assert.Equal([50, 10, 10, 2], strings.Select(s => s.MaxPoolSize));
        Assert.True(strings[1].CommandTimeout < strings[0].CommandTimeout && strings[3].Timeout < strings[0].Timeout);
    }

    [Fact]
    public async Task The_writer_pool_prepares_a_statement_that_repeats_and_keeps_it_across_pooled_opens()
    {
        await using var provider = ServerDataSources();
        var writer = provider.GetRequiredService<NpgsqlDataSource>();
        const string Repeated = "SELECT count(*) FROM unnest($1::integer[]) AS k(partition) WHERE k.partition >= 0";

        for (var i = 0; i < 6; i++)
        {
            await using var connection = await writer.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(Repeated, connection) { Parameters = { new() { Value = new[] { 1, 2, i } } } };
            Assert.Equal(3L, await command.ExecuteScalarAsync());
        }

        await using var reopened = await writer.OpenConnectionAsync();
        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%unnest($1::integer[]) AS k(partition)%'", reopened);

        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Membership_gets_a_connection_while_every_writer_connection_is_taken()
    {
        await using var provider = ServerDataSources();
        var writer = provider.GetRequiredService<NpgsqlDataSource>();
        var writerPool = new NpgsqlConnectionStringBuilder(writer.ConnectionString).MaxPoolSize;
        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < writerPool; i++)
            {
                held.Add(await writer.OpenConnectionAsync());
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var membership = await provider.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Membership).OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", membership);

            Assert.Equal(1, await command.ExecuteScalarAsync(timeout.Token));
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static ServiceProvider ServerDataSources()
    {
        var variables = new NpgsqlConnectionStringBuilder(Infrastructure.PostgresServer.AdminConnectionString);
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["POSTGRES_HOST"] = variables.Host,
            ["POSTGRES_PORT"] = variables.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_USER"] = variables.Username,
            ["POSTGRES_PASSWORD"] = variables.Password,
            ["POSTGRES_DB"] = variables.Database,
        });
        return new ServiceCollection().AddLogging().AddPostgresDataSources(settings.Postgres, settings.Host.SiloPort).BuildServiceProvider();
    }
}
