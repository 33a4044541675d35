using Npgsql;

namespace UserEvents.Orleans.Silo.Startup;

/// <summary>
/// The pipeline stores text that Kafka carries as UTF-8; a database with another encoding refuses some of it
/// (SQLSTATE 22P05) for every silo alike, so the silo does not start on one.
/// </summary>
public static class DatabaseEncodingCheck
{
    /// <summary>Throws <see cref="UnsupportedDatabaseException"/> when the database's encoding is not UTF8.</summary>
    public static async Task EnsureUtf8Async(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_database(), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (database, encoding) = (reader.GetString(0), reader.GetString(1));
        if (!string.Equals(encoding, "UTF8", StringComparison.Ordinal))
        {
            throw new UnsupportedDatabaseException(
                $"PostgreSQL database '{database}' has encoding {encoding}; user-events needs UTF8 (create it with ENCODING 'UTF8' TEMPLATE template0)");
        }
    }
}
