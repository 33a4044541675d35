using Npgsql;

namespace UserEvents.Orleans.Postgres.Schema;

/// <summary>
/// Compares the database's migration journal (<c>schemaversions</c>) with the scripts this build carries, so a silo started
/// against an empty, older or newer database stops with one sentence instead of a provider's stack trace.
/// </summary>
public static class SchemaCheck
{
    /// <summary>What is wrong with the schema, in one sentence naming the fix; null when it matches this build.</summary>
    public static async Task<string?> ProblemAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var database = connection.Database;
        const string fix = "run the silo once with --migrate-only as the migration role (or set POSTGRES_MIGRATE=true)";
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('public.schemaversions') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return $"database '{database}' has no UserEvents schema (no migration journal 'schemaversions'): {fix}";
            }
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var read = new NpgsqlCommand("SELECT scriptname FROM schemaversions", connection);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return $"database '{database}' was migrated by an older version (role '{connection.UserName}' may not read its migration journal): {fix}";
        }

        return Compare(database, applied, PostgresSchemaMigrator.ScriptNames, fix);
    }

    /// <summary>
    /// Scripts are numbered: a journaled script numbered after this build's last one means a newer version migrated the
    /// database; an embedded script missing from the journal means it is behind. Other journaled names are earlier renames.
    /// </summary>
    public static string? Compare(string database, IReadOnlySet<string> applied, IReadOnlyList<string> embedded, string fix)
    {
        var last = embedded.Count == 0 ? string.Empty : embedded[^1];
        var newer = applied.Where(name => string.CompareOrdinal(name, last) > 0).Order(StringComparer.Ordinal).ToArray();
        if (newer.Length > 0)
        {
            return $"database '{database}' was migrated by a newer version (script {Describe(newer)} is unknown to this build): run a silo of that version or newer";
        }

        var missing = embedded.Where(name => !applied.Contains(name)).ToArray();
        return missing.Length == 0
            ? null
            : $"database '{database}' lacks {missing.Length} schema script(s) of this version ({Describe(missing)}): {fix}";
    }

    private static string Describe(string[] scripts) =>
        scripts.Length == 1 ? Name(scripts[0]) : $"{Name(scripts[0])} and {scripts.Length - 1} more";

    private static string Name(string resource) => resource.StartsWith("sql.", StringComparison.Ordinal) ? resource[4..] : resource;
}
