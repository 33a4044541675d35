using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Silo.Startup;

namespace UserEvents.Orleans.Silo.Modes;

/// <summary>
/// <c>--migrate-only</c>: waits for PostgreSQL, applies the scripts of <c>sql/</c> and exits 0 (for a deployment step that runs
/// with the migration role while the silos run with the runtime role and <c>POSTGRES_MIGRATE=false</c>).
/// </summary>
public static class MigrateOnly
{
    public const string Argument = "--migrate-only";

    public static async Task<int> RunAsync(SiloSettings settings)
    {
        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
        await DatabaseStartup.PrepareAsync(settings.Postgres, settings.PostgresConnectionString, migrate: true, settings.Partitions, loggers, CancellationToken.None);
        return 0;
    }
}
