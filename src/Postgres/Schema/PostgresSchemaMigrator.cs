using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace UserEvents.Orleans.Postgres.Schema;

/// <summary>
/// Applies the ordered scripts of <c>sql/</c> (embedded in this assembly) with DbUp.
/// Every script is idempotent, so the same files also run by hand with <c>psql -f</c>.
/// </summary>
public sealed class PostgresSchemaMigrator(ILogger<PostgresSchemaMigrator> logger)
{
    private const string ResourcePrefix = "sql.";

    /// <summary>The embedded script names, in the order they are applied.</summary>
    public static IReadOnlyList<string> ScriptNames { get; } = typeof(PostgresSchemaMigrator).Assembly
        .GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Creates the database when it is missing, then applies every script not yet journaled.</summary>
    public void Migrate(string connectionString, bool createDatabase)
    {
        var log = new DbUpLogger(logger);
        if (createDatabase)
        {
            EnsureDatabase.For.PostgresqlDatabase(connectionString, log);
        }

        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", "schemaversions")
            .LogTo(log)
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Applying database script '{result.ErrorScript?.Name}' failed: {result.Error?.Message}", result.Error);
        }

        logger.LogInformation("Database schema is up to date ({ScriptCount} scripts applied now)", result.Scripts.Count());
    }

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("DbUp: {Message}", Format(format, args));

        public void LogDebug(string format, params object[] args) => logger.LogDebug("DbUp: {Message}", Format(format, args));

        public void LogInformation(string format, params object[] args) => logger.LogDebug("DbUp: {Message}", Format(format, args));

        public void LogWarning(string format, params object[] args) => logger.LogWarning("DbUp: {Message}", Format(format, args));

        public void LogError(string format, params object[] args) => logger.LogError("DbUp: {Message}", Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "DbUp: {Message}", Format(format, args));

        private static string Format(string format, object[] args) =>
            args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
    }
}
