using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Where PostgreSQL is and how to reach it, with its defaults and ranges; read from the <c>POSTGRES_*</c> variables
/// (<see cref="UserEventsEnvironment.Postgres"/>) the same way by the silo and by every CLI command.
/// </summary>
public sealed record PostgresConnectionSettings
{
    public static IReadOnlyDictionary<string, SslMode> SslModes { get; } = new Dictionary<string, SslMode>(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
    };

    public string Host { get; init; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; init; } = 5432;

    public string Database { get; init; } = "postgres";

    public string User { get; init; } = "postgres";

    [global::Orleans.Redact]
    public string? Password { get; init; }

    public SslMode SslMode { get; init; } = SslMode.Prefer;

    /// <summary>PEM file of the CA to trust (only with <see cref="SslMode.VerifyCA"/> or <see cref="SslMode.VerifyFull"/>).</summary>
    public string? SslRootCertificate { get; init; }

    /// <summary>Every problem with the settings, each starting with the name of its setting.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var problem in OptionRanges.Problems(this))
        {
            yield return problem;
        }

        if (SslRootCertificate is not null && SslMode is not (SslMode.VerifyCA or SslMode.VerifyFull))
        {
            yield return $"{nameof(SslRootCertificate)} is only used to verify the server: set {nameof(SslMode)} to verify-ca or verify-full";
        }
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
