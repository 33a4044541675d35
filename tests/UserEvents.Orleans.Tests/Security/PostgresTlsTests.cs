using System.Globalization;
using Npgsql;
using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>POSTGRES_SSL_MODE and POSTGRES_SSL_ROOT_CERT against a real PostgreSQL with ssl=on, and require against one without.</summary>
public sealed class PostgresTlsTests(TlsPostgresServer server) : IClassFixture<TlsPostgresServer>
{
    [Fact]
    public async Task Verify_full_with_the_ca_connects_over_tls()
    {
        var settings = SiloSettings.Load(Variables(server.Port, "verify-full", server.CaCertificate));

        await using var connection = new NpgsqlConnection(settings.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);

        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Verify_full_without_the_ca_refuses_the_server_certificate()
    {
        var settings = SiloSettings.Load(Variables(server.Port, "verify-full", rootCertificate: null));

        await using var connection = new NpgsqlConnection(settings.PostgresConnectionString);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());

        Assert.Contains("certificate", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_silo_migrates_over_verify_full()
    {
        var variables = Variables(server.Port, "verify-full", server.CaCertificate);
        variables["POSTGRES_MIGRATE"] = "true";

        var output = await SiloRun.UntilAsync(ToEnvironment(variables), line => line.Contains("schema migrated: True"), TimeSpan.FromSeconds(60), "--migrate-only");

        Assert.Contains("schema migrated: True", output);
    }

    [Fact]
    public async Task Require_against_a_server_without_ssl_fails_with_a_clear_error()
    {
        var plain = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString);
        var variables = Variables(plain.Port, "require", rootCertificate: null);
        variables["POSTGRES_HOST"] = plain.Host;

        await using var connection = new NpgsqlConnection(SiloSettings.Load(variables).PostgresConnectionString);
        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
        var output = await SiloRun.UntilAsync(ToEnvironment(variables), line => line.Contains("is not reachable"), TimeSpan.FromSeconds(30), "--migrate-only");

        Assert.Contains("SSL", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(output.Split(Environment.NewLine), line => line.Contains("is not reachable") && line.Contains(error.Message));
    }

    private static Dictionary<string, string?> Variables(int port, string sslMode, string? rootCertificate) => new()
    {
        ["POSTGRES_HOST"] = "localhost",
        ["POSTGRES_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["POSTGRES_DB"] = "postgres",
        ["POSTGRES_USER"] = "postgres",
        ["POSTGRES_PASSWORD"] = "postgres",
        ["POSTGRES_SSL_MODE"] = sslMode,
        ["POSTGRES_SSL_ROOT_CERT"] = rootCertificate,
    };

    private static Dictionary<string, string> ToEnvironment(Dictionary<string, string?> variables) =>
        variables.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);
}
