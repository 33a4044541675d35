using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using UserEvents.Orleans.Postgres.Events;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>Committers as the silo builds them, with the production bounds unless a test needs shorter ones.</summary>
internal static class Committers
{
    /// <param name="time">The clock the flush stamps its rows with (processed_at, received_at, the bucket); the system clock by default.</param>
    public static PostgresBatchCommitter Create(NpgsqlDataSource dataSource, PostgresFlushOptions? options = null, TimeProvider? time = null) =>
        new(dataSource, time ?? TimeProvider.System, Options.Create(options ?? new PostgresFlushOptions()), NullLogger<PostgresBatchCommitter>.Instance);
}
