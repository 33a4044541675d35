using Npgsql;
using Polly;
using Polly.Retry;
using UserEvents.Orleans.Postgres.Partitions;
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
        PostgresConnectionSettings postgres, string connectionString, bool migrate, PartitionSettings partitions, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
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

        var server = "";
        await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(token);
            server = $"{connection.Host}:{connection.Port}";
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

        LogReady(logger, postgres.Describe, server, migrate);
        await EnsurePartitionsAsync(connectionString, partitions, loggerFactory, cancellationToken);
    }

    /// <summary>
    /// The partitions ingestion will write to exist before it starts. A failure is logged, not fatal: the default
    /// partition stores the rows meanwhile, and the maintenance service retries every period.
    /// </summary>
    private static async Task EnsurePartitionsAsync(string connectionString, PartitionSettings partitions, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(DatabaseStartup));
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var report = await new PartitionMaintenance(dataSource, partitions, loggerFactory.CreateLogger<PartitionMaintenance>()).RunAsync(cancellationToken);
            LogPartitionsReady(logger, report.Created.Count, report.Dropped.Count, report.Ran);
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            LogPartitionsFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 6320, Level = LogLevel.Information, Message = "Partitions checked at start: {Created} created, {Dropped} dropped by retention (maintained by this silo: {Ran})")]
    private static partial void LogPartitionsReady(ILogger logger, int created, int dropped, bool ran);

    [LoggerMessage(EventId = 6321, Level = LogLevel.Error, Message = "Partitions could not be checked at start; rows outside every partition go to the default partition until maintenance succeeds")]
    private static partial void LogPartitionsFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6322, Level = LogLevel.Warning, Message = "PostgreSQL {Database} is not reachable ({Error}); retrying in {Delay}")]
    private static partial void LogUnreachable(ILogger logger, string database, string error, TimeSpan delay);

    [LoggerMessage(EventId = 6323, Level = LogLevel.Information, Message = "PostgreSQL {Database} reachable, server in use {Server}; schema migrated: {Migrated}")]
    private static partial void LogReady(ILogger logger, string database, string server, bool migrated);
}
