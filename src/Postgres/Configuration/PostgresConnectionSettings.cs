using Npgsql;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Where PostgreSQL is and how to reach it: the <c>POSTGRES_*</c> variables (names, defaults and rules in this one place),
/// read the same way by the silo and by every CLI command.
/// </summary>
public sealed record PostgresConnectionSettings(
    string Host, int Port, string Database, string User, string? Password, SslMode SslMode, string? SslRootCertificate)
{
    public static IReadOnlyDictionary<string, SslMode> SslModes { get; } = new Dictionary<string, SslMode>(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
    };

    /// <summary>Reads POSTGRES_HOST, _PORT, _DB, _USER, _PASSWORD or _PASSWORD_FILE, _SSL_MODE and _SSL_ROOT_CERT.</summary>
    public static PostgresConnectionSettings Read(EnvironmentReader reader)
    {
        var settings = new PostgresConnectionSettings(
            reader.String("POSTGRES_HOST", "localhost"),
            reader.Int("POSTGRES_PORT", 5432, 1, 65535),
            reader.String("POSTGRES_DB", "postgres"),
            reader.String("POSTGRES_USER", "postgres"),
            reader.SecretOrNull("POSTGRES_PASSWORD", "POSTGRES_PASSWORD_FILE"),
            reader.Choice("POSTGRES_SSL_MODE", "prefer", SslModes.ToDictionary()),
            reader.ReadableFileOrNull("POSTGRES_SSL_ROOT_CERT"));
        if (settings.SslRootCertificate is not null && settings.SslMode is not (SslMode.VerifyCA or SslMode.VerifyFull))
        {
            reader.Errors.Add("POSTGRES_SSL_ROOT_CERT is only used to verify the server: set POSTGRES_SSL_MODE to verify-ca or verify-full");
        }

        return settings;
    }

    /// <summary>The Npgsql connection string (holds the password: log <see cref="Describe"/> instead).</summary>
    public string ConnectionString(string applicationName, int maxPoolSize = 100) => new NpgsqlConnectionStringBuilder
    {
        MaxPoolSize = maxPoolSize,
        Host = Host,
        Port = Port,
        Database = Database,
        Username = User,
        Password = Password,
        ApplicationName = applicationName,
        SslMode = SslMode,
        RootCertificate = SslRootCertificate,
    }.ConnectionString;

    /// <summary>user@host:port/database, without the password.</summary>
    public string Describe => $"{User}@{Host}:{Port}/{Database}";

    public override string ToString() => $"{Describe} (SSL {SslMode})";
}
