using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>Healthy when the silo's PostgreSQL answers <c>SELECT 1</c> through the probe's own small pool (a stuck writer does not make it wait).</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, string database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PostgreSQL {database} answered (server in use {connection.Host}:{connection.Port})");
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"PostgreSQL {database} is not reachable: {exception.Message}", exception);
        }
    }
}
