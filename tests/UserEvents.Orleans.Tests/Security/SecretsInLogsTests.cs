using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>A PostgreSQL connection failure is logged with the reason and the target, never with the password.</summary>
public sealed class SecretsInLogsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ue-secret-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_wrong_password_from_a_file_is_not_in_the_silo_output()
    {
        var secret = $"Wrong-Secret-{Guid.NewGuid():N}";
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, secret + "\n");
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString);
        var environment = new Dictionary<string, string>
        {
            ["POSTGRES_HOST"] = postgres.Host!,
            ["POSTGRES_PORT"] = postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_DB"] = "postgres",
            ["POSTGRES_USER"] = "postgres",
            ["POSTGRES_PASSWORD_FILE"] = passwordFile,
            ["Logging__LogLevel__Default"] = "Trace",
        };

        var output = await SiloRun.UntilAsync(environment, line => line.Contains("password authentication failed"), TimeSpan.FromSeconds(30));

        Assert.Contains("postgres@", output);
        Assert.DoesNotContain(secret, output);
    }
}
