using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using UserEvents.Orleans.Postgres.Events;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>Committers as the silo builds them, with the production bounds unless a test needs shorter ones.</summary>
internal static class Committers
{
    public static PostgresBatchCommitter Create(NpgsqlDataSource dataSource, PostgresFlushOptions? options = null) =>
        new(dataSource, TimeProvider.System, Options.Create(options ?? new PostgresFlushOptions()), NullLogger<PostgresBatchCommitter>.Instance);
}
