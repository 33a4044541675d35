using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;
using UserEvents.Orleans.Grains.Writing;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Silo.Configuration;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Configuration;

/// <summary>The silo's settings bound in-process from configuration: names, units, defaults, one line per bad variable, redaction.</summary>
[Trait("Category", "Unit")]
public sealed partial class SiloSettingsBindingTests
{
    private const string Token = "a-token-of-thirty-two-characters";

    [Fact]
    public void Unset_variables_take_the_defaults_of_the_options_classes()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>());

        Assert.Equal(new GroupCommitOptions().FlushInterval, settings.Writer.FlushInterval);
        Assert.Equal(new GroupCommitOptions().BufferLimitBytes, settings.Writer.BufferLimitBytes);
        Assert.Equal(new PostgresFlushOptions().LockTimeout, settings.Flush.LockTimeout);
        Assert.Equal(new KafkaStreamOptions().MaxBatchBytes, settings.Kafka.MaxBatchBytes);
        Assert.Equal(new KafkaStreamOptions().PartitionCheckInterval, settings.Kafka.PartitionCheckInterval);
        Assert.Equal("user-events", settings.Kafka.Topic);
        Assert.Equal(new SiloHostOptions().ReceiverStartGrace, settings.Host.ReceiverStartGrace);
    }

    [Fact]
    public void Variables_set_the_options_in_their_units()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["KAFKA_BROKER"] = "broker-1:9092,broker-2:9092",
            ["KAFKA_STARTING_OFFSETS"] = "Earliest",
            ["KAFKA_PARTITION_CHECK_SECONDS"] = "7",
            ["KAFKA_CLIENT_SASL_USERNAME"] = "alice",
            ["WRITER_FLUSH_INTERVAL_MS"] = "40",
            ["WRITER_BUFFER_LIMIT_MIB"] = "8",
            ["WRITER_LOCK_TIMEOUT_MS"] = "250",
            ["ORLEANS_ADVERTISED_IP"] = "127.0.0.2",
            ["POSTGRES_MIGRATE"] = "yes",
        });

        Assert.Equal("broker-1:9092,broker-2:9092", settings.Kafka.Connection.BootstrapServers);
        Assert.Equal(KafkaStartingOffsets.Earliest, settings.Kafka.StartingOffsets);
        Assert.Equal(TimeSpan.FromSeconds(7), settings.Kafka.PartitionCheckInterval);
        Assert.Equal("alice", settings.Kafka.Connection.ClientSettings["sasl.username"]);
        Assert.Equal(TimeSpan.FromMilliseconds(40), settings.Writer.FlushInterval);
        Assert.Equal(8L * 1024 * 1024, settings.Writer.BufferLimitBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.Flush.LockTimeout);
        Assert.Equal("127.0.0.2", settings.Host.AdvertisedIp.ToString());
        Assert.True(settings.PostgresMigrate);
    }

    [Fact]
    public void Each_wrong_variable_gives_one_line_that_names_it_with_the_range_of_its_options_class()
    {
        var errors = Assert.Throws<InvalidSettingsException>(() => SiloSettings.Load(new Dictionary<string, string?>
        {
            ["WRITER_MAX_CONCURRENT_FLUSHES"] = "65",
            ["WRITER_LOCK_TIMEOUT_MS"] = "50",
            ["WRITER_BUFFER_LIMIT_MIB"] = "lots",
            ["POSTGRES_MIGRATE"] = "perhaps",
            ["ORLEANS_ADVERTISED_IP"] = "here",
            ["KAFKA_BROKER"] = "a:1,b",
            ["WRITER_MAX_BUFFERED_RECORDS"] = "60000",
        })).Errors;

        Assert.Equal(
            [
                "KAFKA_BROKER entry 'b' is not host:port",
                "ORLEANS_ADVERTISED_IP='here' is not an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only)",
                "POSTGRES_MIGRATE='perhaps' must be true or false",
                "WRITER_BUFFER_LIMIT_MIB='lots' is not a whole number from 1 to 65536",
                "WRITER_BUFFER_LIMIT_RECORDS (50000) must be at least WRITER_MAX_BUFFERED_RECORDS (60000)",
                "WRITER_LOCK_TIMEOUT_MS='50' is not a whole number from 100 to 600000",
                "WRITER_MAX_CONCURRENT_FLUSHES='65' is not a whole number from 1 to 64",
            ],
            errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Configuration_other_than_the_environment_binds_the_same_names()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KAFKA_TOPIC"] = "from-a-file", ["HTTP_PORT"] = "8081" })
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HTTP_PORT"] = "8082" })
            .Build();

        var settings = SiloSettings.Load(configuration);

        Assert.Equal("from-a-file", settings.Kafka.Topic);
        Assert.Equal(8082, settings.Http.Port);
    }

    [Fact]
    public void The_settings_in_effect_are_logged_once_with_every_secret_redacted()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>
        {
            ["POSTGRES_PASSWORD"] = "pg-secret-value",
            ["HTTP_AUTH_TOKEN"] = Token,
            ["KAFKA_CLIENT_SASL_USERNAME"] = "alice",
            ["KAFKA_CLIENT_SASL_PASSWORD"] = "sasl-secret-value",
            ["WRITER_FLUSH_INTERVAL_MS"] = "40",
        });
        var logger = new FakeLogger();

        SiloStartLog.Starting(logger, settings);

        var line = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 6101).Message;
        Assert.DoesNotContain("pg-secret-value", line);
        Assert.DoesNotContain(Token, line);
        Assert.DoesNotContain("sasl-secret-value", line);
        Assert.Contains("POSTGRES_PASSWORD=REDACTED", line);
        Assert.Contains("HTTP_AUTH_TOKEN=REDACTED", line);
        Assert.Contains("KAFKA_CLIENT_SASL_PASSWORD=REDACTED", line);
        Assert.Contains("KAFKA_CLIENT_SASL_USERNAME=alice", line);
        Assert.Contains("WRITER_FLUSH_INTERVAL_MS=40", line);
        Assert.Contains("KAFKA_TOPIC=user-events", line);
    }

    [Fact]
    public void Every_variable_of_the_readme_table_is_read_and_every_variable_read_is_in_the_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var table = readme[readme.IndexOf("| Variable | Meaning | Default |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = table.Split('\n').Skip(2)
            .SelectMany(row => VariableName().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value))
            .Where(name => !name.StartsWith("Logging__", StringComparison.Ordinal))
            .ToHashSet();

        Assert.Equal(documented.Order(StringComparer.Ordinal), SiloSettings.VariableNames.Order(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"`([A-Z][A-Za-z_]+\*?)`")]
    private static partial Regex VariableName();
}
