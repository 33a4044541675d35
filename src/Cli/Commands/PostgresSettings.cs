using System.ComponentModel;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Where the cluster's PostgreSQL is: the silo's variables, overridable by options.</summary>
public class PostgresSettings : CommandSettings
{
    [CommandOption("--postgres-host <HOST>")]
    [Description("PostgreSQL host [grey](env POSTGRES_HOST, default localhost)[/]")]
    public string PostgresHost { get; init; } = EnvironmentDefaults.PostgresHost;

    [CommandOption("--postgres-port <PORT>")]
    [Description("PostgreSQL port [grey](env POSTGRES_PORT, default 5432)[/]")]
    public int PostgresPort { get; init; } = EnvironmentDefaults.PostgresPort;

    [CommandOption("--postgres-db <NAME>")]
    [Description("Database [grey](env POSTGRES_DB, default postgres)[/]")]
    public string PostgresDatabase { get; init; } = EnvironmentDefaults.PostgresDatabase;

    [CommandOption("--postgres-user <USER>")]
    [Description("User [grey](env POSTGRES_USER, default postgres)[/]")]
    public string PostgresUser { get; init; } = EnvironmentDefaults.PostgresUser;

    [CommandOption("--postgres-password <PASSWORD>")]
    [Description("Password [grey](env POSTGRES_PASSWORD, which other users cannot see in the process list: prefer it)[/]")]
    public string? PostgresPassword { get; init; } = EnvironmentDefaults.PostgresPassword;

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = PostgresHost,
        Port = PostgresPort,
        Database = PostgresDatabase,
        Username = PostgresUser,
        Password = PostgresPassword,
        ApplicationName = "user-events-cli",
    }.ConnectionString;

    public string DescribePostgres => $"{PostgresUser}@{PostgresHost}:{PostgresPort}/{PostgresDatabase}";

    public override ValidationResult Validate()
    {
        if (PostgresPort is < 1 or > 65535)
        {
            return ValidationResult.Error("--postgres-port (or POSTGRES_PORT) must be a port number from 1 to 65535");
        }

        return string.IsNullOrWhiteSpace(PostgresHost) || string.IsNullOrWhiteSpace(PostgresDatabase) || string.IsNullOrWhiteSpace(PostgresUser)
            ? ValidationResult.Error("--postgres-host, --postgres-db and --postgres-user must not be empty")
            : ValidationResult.Success();
    }
}
