using Npgsql;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// Registers the silo's PostgreSQL data sources through Npgsql's DI integration (the host's logging and metrics), all
/// built from the one <see cref="PostgresConnectionSettings"/>: the pipeline's (unkeyed) and one per
/// <see cref="PostgresDataSourceKeys"/> purpose, each with its pool and timeouts (the pool's name tags its metrics).
/// </summary>
public static class PostgresDataSources
{
    /// <summary>
    /// Pool size and timeouts of one purpose (seconds), and how many of its statements Npgsql prepares on each
    /// connection once they have run five times, Npgsql's default (0: none).
    /// </summary>
    private sealed record Pool(string Name, int MaxPoolSize, int ConnectTimeout, int CommandTimeout, int MaxAutoPrepare = 0);

    // A flush runs the same few bookkeeping statements every time: prepared, PostgreSQL stops planning them per flush
    // (0.7 ms of its time per flush, measured at a fixed rate: docs/BENCHMARKS.md). 20 leaves room beside the flush's 8.
    private static readonly Pool Writer = new("writer", MaxPoolSize: 50, ConnectTimeout: 15, CommandTimeout: 30, MaxAutoPrepare: 20);

    // Membership probes and table refreshes are bounded by Orleans' own timeouts (seconds): fail fast rather than queue.
    private static readonly Dictionary<string, Pool> Keyed = new(StringComparer.Ordinal)
    {
        [PostgresDataSourceKeys.Membership] = new("membership", MaxPoolSize: 10, ConnectTimeout: 5, CommandTimeout: 10),
        [PostgresDataSourceKeys.Readers] = new("readers", MaxPoolSize: 10, ConnectTimeout: 5, CommandTimeout: 15),
        [PostgresDataSourceKeys.Health] = new("health", MaxPoolSize: 2, ConnectTimeout: 3, CommandTimeout: 3),
    };

    public static IServiceCollection AddPostgresDataSources(this IServiceCollection services, PostgresConnectionSettings postgres, int siloPort)
    {
        services.AddNpgsqlDataSource(ConnectionString(postgres, siloPort, Writer), builder => builder.Name = Writer.Name);
        foreach (var (key, pool) in Keyed)
        {
            services.AddNpgsqlDataSource(ConnectionString(postgres, siloPort, pool), builder => builder.Name = pool.Name, serviceKey: key);
        }

        return services;
    }

    /// <summary>The connection string of the pipeline's pool (for the schema migration before the host starts).</summary>
    public static string WriterConnectionString(PostgresConnectionSettings postgres, int siloPort) => ConnectionString(postgres, siloPort, Writer);

    // The writer's sessions keep the plain name: operators (and the chaos suite) find a silo's flushes in pg_stat_activity by it.
    private static string ConnectionString(PostgresConnectionSettings postgres, int siloPort, Pool pool) =>
        new NpgsqlConnectionStringBuilder(postgres.ConnectionString(
            pool == Writer ? $"user-events-silo-{siloPort}" : $"user-events-silo-{siloPort}-{pool.Name}", pool.MaxPoolSize))
        {
            Timeout = pool.ConnectTimeout,
            CommandTimeout = pool.CommandTimeout,
            MaxAutoPrepare = pool.MaxAutoPrepare,
        }.ConnectionString;
}
