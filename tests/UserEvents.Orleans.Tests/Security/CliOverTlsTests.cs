using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Postgres.Schema;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// The CLI reads POSTGRES_SSL_MODE, POSTGRES_SSL_ROOT_CERT, POSTGRES_PASSWORD_FILE and KAFKA_CLIENT_* exactly as the silo
/// does (the same code), so every command reaches a TLS PostgreSQL: verify reads it, the cluster commands find the
/// membership table in it; without the CA the certificate is refused, which shows the settings are used.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class CliOverTlsTests(TlsPostgresServer server) : IClassFixture<TlsPostgresServer>, IAsyncLifetime
{
    private string passwordFile = "";

    public async Task InitializeAsync()
    {
        passwordFile = Path.Combine(Path.GetTempPath(), $"pg-password-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, "postgres\n");
        var owner = new NpgsqlConnectionStringBuilder
        {
            Host = "localhost",
            Port = server.Port,
            Database = "postgres",
            Username = "postgres",
            Password = "postgres",
            SslMode = SslMode.VerifyFull,
            RootCertificate = server.CaCertificate,
        };
        new PostgresSchemaMigrator(NullLogger<PostgresSchemaMigrator>.Instance).Migrate(owner.ConnectionString, createDatabase: false);
    }

    public Task DisposeAsync()
    {
        File.Delete(passwordFile);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Verify_reads_a_verify_full_postgresql_with_the_password_from_a_file()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);

        var result = await UserEventsCli.RunAsync(Environment(kafka.BootstrapServers, kafka.Topic, withCa: true), "verify");

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("verified 3 partitions, 0 offsets owed: 0 missing, 0 duplicated, 0 unexpected", result.StandardOutput);
    }

    [Fact]
    public async Task Verify_without_the_ca_refuses_the_servers_certificate()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);

        var result = await UserEventsCli.RunAsync(Environment(kafka.BootstrapServers, kafka.Topic, withCa: false), "verify");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot read PostgreSQL postgres@localhost", result.StandardError);
    }

    [Fact]
    public async Task The_cluster_commands_read_the_membership_table_over_tls()
    {
        var withCa = await UserEventsCli.RunAsync(Environment("127.0.0.1:1", "user-events", withCa: true), "stats");
        var withoutCa = await UserEventsCli.RunAsync(Environment("127.0.0.1:1", "user-events", withCa: false), "stats");

        // No silo runs: with the CA the client reads the (empty) membership table and finds no gateway; without it, the
        // TLS handshake itself fails.
        Assert.NotEqual(0, withCa.ExitCode);
        Assert.DoesNotContain("certificate", withCa.StandardOutput + withCa.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, withoutCa.ExitCode);
        Assert.Contains("certificate", withoutCa.StandardOutput + withoutCa.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Produce_passes_kafka_client_settings_to_librdkafka()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);
        var environment = Environment(kafka.BootstrapServers, kafka.Topic, withCa: true);
        environment["KAFKA_CLIENT_SECURITY_PROTOCOL"] = "no-such-protocol";

        var result = await UserEventsCli.RunAsync(environment, "produce", "--count", "10");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("security.protocol", result.StandardOutput + result.StandardError);
    }

    private Dictionary<string, string> Environment(string brokers, string topic, bool withCa)
    {
        var environment = new Dictionary<string, string>
        {
            ["KAFKA_BROKER"] = brokers,
            ["KAFKA_TOPIC"] = topic,
            ["POSTGRES_HOST"] = "localhost",
            ["POSTGRES_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["POSTGRES_DB"] = "postgres",
            ["POSTGRES_USER"] = "postgres",
            ["POSTGRES_PASSWORD_FILE"] = passwordFile,
            ["POSTGRES_SSL_MODE"] = "verify-full",
        };
        if (withCa)
        {
            environment["POSTGRES_SSL_ROOT_CERT"] = server.CaCertificate;
        }

        return environment;
    }
}
