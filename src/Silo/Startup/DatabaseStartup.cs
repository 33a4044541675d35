using Npgsql;
using Polly;
using Polly.Retry;
using UserEvents.Orleans.Postgres.Schema;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Silo.Startup;

/// <summary>
/// Waits for PostgreSQL (saying so in the log), checks that its database is UTF8 (else throws
/// <see cref="UnsupportedDatabaseException"/>), then applies the schema, or without <c>POSTGRES_MIGRATE</c> checks that the
/// database carries this version's schema (<see cref="SchemaNotReadyException"/> otherwise), before Orleans starts.
/// </summary>
public static partial class DatabaseStartup
{
    public static async Task PrepareAsync(
        PostgresConnectionSettings postgres, string connectionString, bool migrate, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(DatabaseStartup));
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<System.Net.Sockets.SocketException>()
                    .Handle<InvalidOperationException>(e => e.InnerException is NpgsqlException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(15),
                OnRetry = args =>
                {
                    LogUnreachable(logger, postgres.Describe, args.Outcome.Exception?.Message ?? "unknown error", args.RetryDelay);
                    return default;
                },
            })
            .Build();

        await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(token);
            await DatabaseEncodingCheck.EnsureUtf8Async(connection, token);
            if (migrate)
            {
                new PostgresSchemaMigrator(loggerFactory.CreateLogger<PostgresSchemaMigrator>()).Migrate(connectionString, createDatabase: false);
            }
            else if (await SchemaCheck.ProblemAsync(connection, token) is { } problem)
            {
                throw new SchemaNotReadyException(problem);
            }
        }, cancellationToken);

        LogReady(logger, postgres.Describe, migrate);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL {Database} is not reachable ({Error}); retrying in {Delay}")]
    private static partial void LogUnreachable(ILogger logger, string database, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL {Database} reachable; schema migrated: {Migrated}")]
    private static partial void LogReady(ILogger logger, string database, bool migrated);
}
