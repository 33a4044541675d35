using System.ComponentModel;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// Where the cluster's PostgreSQL is: the silo's <c>POSTGRES_*</c> variables, read by the same code as the silo reads them
/// (<see cref="PostgresConnectionSettings"/>: password file, TLS mode and root certificate included), overridable by options.
/// </summary>
public class PostgresSettings : CommandSettings
{
    private readonly List<string> environmentErrors = [];
    private readonly PostgresConnectionSettings fromEnvironment;

    public PostgresSettings()
    {
        fromEnvironment = UserEventsEnvironment.ReadPostgres(EnvironmentDefaults.Configuration, environmentErrors);
    }

    [CommandOption("--postgres-host <HOST>")]
    [Description("PostgreSQL host [grey](env POSTGRES_HOST, default localhost)[/]")]
    public string? PostgresHost { get; init; }

    [CommandOption("--postgres-port <PORT>")]
    [Description("PostgreSQL port [grey](env POSTGRES_PORT, default 5432)[/]")]
    public int? PostgresPort { get; init; }

    [CommandOption("--postgres-db <NAME>")]
    [Description("Database [grey](env POSTGRES_DB, default postgres)[/]")]
    public string? PostgresDatabase { get; init; }

    [CommandOption("--postgres-user <USER>")]
    [Description("User [grey](env POSTGRES_USER, default postgres)[/]")]
    public string? PostgresUser { get; init; }

    [CommandOption("--postgres-password <PASSWORD>")]
    [Description("Password [grey](env POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE, which other users cannot see in the process list: prefer them)[/]")]
    public string? PostgresPassword { get; init; }

    [CommandOption("--postgres-ssl-mode <MODE>")]
    [Description("disable, prefer, require, verify-ca or verify-full [grey](env POSTGRES_SSL_MODE, default prefer)[/]")]
    public string? PostgresSslMode { get; init; }

    [CommandOption("--postgres-ssl-root-cert <FILE>")]
    [Description("PEM file of the CA to trust for verify-ca/verify-full [grey](env POSTGRES_SSL_ROOT_CERT)[/]")]
    public string? PostgresSslRootCertificate { get; init; }

    /// <summary>The environment's settings with the options given on the command line on top.</summary>
    public PostgresConnectionSettings Postgres => fromEnvironment with
    {
        Host = PostgresHost ?? fromEnvironment.Host,
        Port = PostgresPort ?? fromEnvironment.Port,
        Database = PostgresDatabase ?? fromEnvironment.Database,
        User = PostgresUser ?? fromEnvironment.User,
        Password = PostgresPassword ?? fromEnvironment.Password,
        SslMode = PostgresSslMode is { } mode && PostgresConnectionSettings.SslModes.TryGetValue(mode, out var parsed) ? parsed : fromEnvironment.SslMode,
        SslRootCertificate = PostgresSslRootCertificate ?? fromEnvironment.SslRootCertificate,
    };

    public string PostgresConnectionString => Postgres.ConnectionString("user-events-cli");

    public string DescribePostgres => Postgres.Describe;

    public override ValidationResult Validate()
    {
        var errors = new List<string>(environmentErrors);
        if (PostgresPort is < 1 or > 65535)
        {
            errors.Add("--postgres-port must be a port number from 1 to 65535");
        }

        if (PostgresSslMode is { } mode && !PostgresConnectionSettings.SslModes.ContainsKey(mode))
        {
            errors.Add($"--postgres-ssl-mode '{mode}' must be one of: {string.Join(", ", PostgresConnectionSettings.SslModes.Keys)}");
        }

        if (PostgresSslRootCertificate is { } file && !File.Exists(file))
        {
            errors.Add($"--postgres-ssl-root-cert '{file}' is not a file that exists");
        }

        if (Postgres.SslRootCertificate is not null && Postgres.SslMode is not (SslMode.VerifyCA or SslMode.VerifyFull))
        {
            errors.Add("a root certificate (POSTGRES_SSL_ROOT_CERT or --postgres-ssl-root-cert) is only used with verify-ca or verify-full");
        }

        if (string.IsNullOrWhiteSpace(Postgres.Host) || string.IsNullOrWhiteSpace(Postgres.Database) || string.IsNullOrWhiteSpace(Postgres.User))
        {
            errors.Add("--postgres-host, --postgres-db and --postgres-user must not be empty");
        }

        return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join(Environment.NewLine, errors.Distinct()));
    }
}
